#include "attach/process_memory.hpp"

namespace gmr::attach {

std::size_t ProcessMemory::read(std::uint64_t address, std::span<std::byte> out) const {
  if (out.empty()) return 0;
  const iovec local{out.data(), out.size()};
  const iovec remote{reinterpret_cast<void*>(address), out.size()};
  return read_ranges({&local, 1}, {&remote, 1}).value_or(0);
}

}  // namespace gmr::attach
