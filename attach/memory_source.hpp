// The target's memory as some source holds it: the live process (process_vm_readv), the copies of a
// Snapshot, or a core file. Reads never throw; a short count means the rest is not available.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
namespace gmr::attach {
class MemorySource {
 public:
  virtual ~MemorySource() = default;
  /// Copies up to out.size() bytes from target address `address`; returns how many were copied (a prefix).
  virtual std::size_t read(std::uint64_t address, std::span<std::byte> out) const = 0;
};
}  // namespace gmr::attach
