// The memory of a process that is still there, as process_vm_readv(2) reads it: many ranges in one call,
// the kernel stopping at the first byte it cannot read. LiveMemory (attach/live_process.hpp) is the real
// one; tests script one to make reads come back short or fail.
//
// Needs only ptrace-read access to the target, not a stopped thread, and may be used from any thread.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <expected>
#include <span>

#include "attach/memory_source.hpp"

namespace gmr::attach {

class ProcessMemory : public MemorySource {
 public:
  /// One process_vm_readv(2): `remote[i]` of the target into `local[i]`, in order, at most IOV_MAX ranges.
  /// The count of bytes read covers every range before the first unreadable byte, and a prefix of the
  /// range holding it; the errno when not even the first byte could be read.
  virtual std::expected<std::size_t, int> read_ranges(std::span<const iovec> local,
                                                      std::span<const iovec> remote) const = 0;

  /// One range through read_ranges(): a short count where the target's memory stops being readable.
  std::size_t read(std::uint64_t address, std::span<std::byte> out) const final;
};

}  // namespace gmr::attach
