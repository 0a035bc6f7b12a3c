// Copying ranges of the target's memory with as few process_vm_readv calls as possible (one per IOV_MAX
// ranges). Needs only ptrace-read permission, not a stopped thread; call it while frozen for consistency.
//
// Any size is safe: a range is cut at the end of the address space, ranges that do not fit in the batch's
// buffer (max_batch_bytes, or what could be allocated) get ENOMEM instead of a wrapped offset, and no call
// asks the kernel for more than it reads in one (process_vm_readv silently stops at MAX_RW_COUNT, about
// 2 GiB, which would look like unreadable memory).
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <vector>

#include "attach/process_memory.hpp"
#include "attach/snapshot.hpp"

namespace gmr::attach {

struct RangeRequest {
  std::uint64_t start = 0;
  std::size_t size = 0;
};

/// The bytes of every request in one buffer, allocated once and not zero-filled: nothing but the copy
/// itself happens while the target is frozen. `take` makes the MemoryCopy values afterwards.
class RangeCopies {
 public:
  /// The most bytes one batch holds; a range that would take the total beyond it gets ENOMEM.
  static constexpr std::size_t max_batch_bytes = std::size_t{64} << 30;
  /// The most bytes one process_vm_readv call asks for: well below the kernel's MAX_RW_COUNT.
  static constexpr std::size_t max_bytes_per_read = std::size_t{1} << 30;

  RangeCopies(std::span<const RangeRequest> requests);

  /// Request `i`: the bytes read (a prefix when the range's tail is unreadable), or the errno of a range
  /// of which nothing could be read.
  std::expected<MemoryCopy, int> take(std::size_t i) const;
  /// The bytes read for request `i` (empty when none), in place: valid while this object lives.
  std::span<const std::byte> bytes(std::size_t i) const;
  std::size_t size() const { return results_.size(); }

 private:
  friend RangeCopies copy_ranges_in_one_buffer(const ProcessMemory& memory, std::span<const RangeRequest> requests,
                                               std::size_t max_bytes_per_read);
  struct Result {
    std::uint64_t start = 0;
    std::size_t offset = 0;  // in buffer_
    std::size_t size = 0;    // the bytes reserved in buffer_: the request's, cut at the end of the address space
    std::size_t read = 0;
    int error = 0;
  };
  std::unique_ptr<std::byte[]> buffer_;
  std::vector<Result> results_;
};

/// For the frozen window: every range read into one buffer, MemoryCopy values made later with take().
/// A range cut short by unreadable memory costs one more read_ranges() call for the ranges after it; each
/// call asks for at most `max_bytes_per_read` bytes (tests make it small).
RangeCopies copy_ranges_in_one_buffer(const ProcessMemory& memory, std::span<const RangeRequest> requests,
                                      std::size_t max_bytes_per_read = RangeCopies::max_bytes_per_read);

}  // namespace gmr::attach
