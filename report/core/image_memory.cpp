#include "report/core/image_memory.hpp"

#include <algorithm>
#include <cstring>

namespace gmr::core {

std::size_t ImageMemory::read(std::uint64_t address, std::span<std::byte> out) const {
  std::size_t done = 0;
  while (done < out.size()) {
    if (address + done < address) break;  // the end of the address space
    const auto piece = image_.segment_bytes_from(address + done, out.size() - done);
    if (piece.empty()) break;
    std::memcpy(out.data() + done, piece.data(), piece.size());
    done += piece.size();
  }
  return done;
}

}  // namespace gmr::core
