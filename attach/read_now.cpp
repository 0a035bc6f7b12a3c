#include "attach/read_now.hpp"

#include "attach/live_process.hpp"

namespace gmr::attach {

std::optional<MemoryCopy> read_memory_now(const ProcessMemory& memory, std::uint64_t address, std::size_t size) {
  MemoryCopy copy;
  copy.start = address;
  copy.bytes.resize(size);
  copy.bytes.resize(memory.read(address, copy.bytes));
  if (copy.bytes.empty()) return std::nullopt;
  return copy;
}

std::optional<MemoryCopy> read_memory_now(pid_t pid, std::uint64_t address, std::size_t size) {
  return read_memory_now(LiveMemory(pid), address, size);
}

}  // namespace gmr::attach
