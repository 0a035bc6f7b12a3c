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

/// Memory for a batch of copies, set aside and touched page by page before the target is frozen. The first
/// write to a fresh page faults, and in the frozen window those faults cost more than the copy itself: at
/// 10,000 threads (54 MB of stacks) process_vm_readv took 160–190 ms into a fresh buffer and 80 ms into a
/// touched one (2-CPU VM, load 13).
class CopyBuffer {
 public:
  CopyBuffer() = default;
  /// `bytes` allocated and every page written once; none (size 0) when they cannot be allocated or are more
  /// than a batch holds (RangeCopies::max_batch_bytes): the copy then allocates what it needs itself.
  explicit CopyBuffer(std::size_t bytes);
  std::size_t size() const { return size_; }

 private:
  friend class RangeCopies;
  std::unique_ptr<std::byte[]> bytes_;
  std::size_t size_ = 0;
};

/// The bytes of every request, in a buffer prepared before the freeze and (for what did not fit) more
/// allocated as requests are added, neither zero-filled: nothing but the copy itself happens while the
/// target is frozen. `take` makes the MemoryCopy values afterwards.
///
/// Requests may be added in several calls (add) while earlier ones are being read (read), so that stacks
/// are copied while the tracer thread still reads registers (attach/copy_pipeline.hpp): a request's place
/// never moves once added.
class RangeCopies {
 public:
  /// The most bytes one batch holds; a range that would take the total beyond it gets ENOMEM.
  static constexpr std::size_t max_batch_bytes = std::size_t{64} << 30;
  /// The most bytes one process_vm_readv call asks for: well below the kernel's MAX_RW_COUNT.
  static constexpr std::size_t max_bytes_per_read = std::size_t{1} << 30;
  /// From this many bytes on, a batch is read by two threads at once (starting one costs ~0.1 ms; reading
  /// 1 MiB of stacks ~2.5 ms on one).
  static constexpr std::size_t two_thread_min_bytes = std::size_t{1} << 20;

  /// An open batch: room for `capacity` requests, added later, the first into `prepared`.
  RangeCopies(CopyBuffer prepared, std::size_t capacity);
  /// A batch of `requests`, added at once.
  RangeCopies(std::span<const RangeRequest> requests, CopyBuffer prepared = {});

  /// Appends `requests` and returns the index of the first. They go into the prepared buffer in order as long
  /// as they fit, the rest of them into one buffer allocated here (ENOMEM for each of them when it cannot
  /// be). More than the capacity in all throws std::length_error. May run while read() reads requests added
  /// before, never beside another add().
  std::size_t add(std::span<const RangeRequest> requests);

  /// Reads requests [first, end) into their places. A range cut short by unreadable memory costs one more
  /// read_ranges() call for the ranges after it; each call asks for at most `max_bytes_per_read` bytes.
  /// Calls on disjoint spans of requests may run at once, on different threads.
  void read(const ProcessMemory& memory, std::size_t first, std::size_t end,
            std::size_t max_bytes_per_read = RangeCopies::max_bytes_per_read);

  /// Request `i`: the bytes read (a prefix when the range's tail is unreadable), or the errno of a range
  /// of which nothing could be read.
  std::expected<MemoryCopy, int> take(std::size_t i) const;
  /// Request `i`'s bytes in place (empty when nothing could be read), valid while this object lives, and
  /// the target address they start at: for looking at a copy while still frozen, without copying it.
  std::span<const std::byte> bytes(std::size_t i) const;
  std::uint64_t start(std::size_t i) const { return result(i).start; }
  /// Requests added so far.
  std::size_t size() const { return count_; }
  /// The bytes requests [first, end) have room for (none for one refused with ENOMEM).
  std::size_t reserved_bytes(std::size_t first, std::size_t end) const;

 private:
  struct Result {
    std::uint64_t start = 0;
    std::byte* at = nullptr;  // in prepared_ or one of overflow_
    std::size_t size = 0;     // the bytes reserved at `at`: the request's, cut at the end of the address space
    std::size_t read = 0;
    int error = 0;
  };
  const Result& result(std::size_t i) const;

  std::unique_ptr<std::byte[]> prepared_;
  std::size_t prepared_size_ = 0;
  std::size_t prepared_used_ = 0;
  std::vector<std::unique_ptr<std::byte[]>> overflow_;
  std::size_t total_ = 0;  // bytes reserved in all, against max_batch_bytes
  // A fixed array rather than a vector: add() writes past count_ while read() works below it.
  std::unique_ptr<Result[]> results_;
  std::size_t capacity_ = 0;
  std::size_t count_ = 0;
};

/// For the frozen window: every range read into `prepared` as far as it goes and the rest into one buffer,
/// MemoryCopy values made later with take(). A range cut short by unreadable memory costs one more
/// read_ranges() call for the ranges after it; each call asks for at most `max_bytes_per_read` bytes (tests
/// make it small). A batch of RangeCopies::two_thread_min_bytes or more is read by two threads, each half of
/// the ranges: `memory` must take two read_ranges() calls at once.
RangeCopies copy_ranges_in_one_buffer(const ProcessMemory& memory, std::span<const RangeRequest> requests,
                                      CopyBuffer prepared,
                                      std::size_t max_bytes_per_read = RangeCopies::max_bytes_per_read);

/// The same without a prepared buffer.
inline RangeCopies copy_ranges_in_one_buffer(const ProcessMemory& memory, std::span<const RangeRequest> requests,
                                             std::size_t max_bytes_per_read = RangeCopies::max_bytes_per_read) {
  return copy_ranges_in_one_buffer(memory, requests, CopyBuffer(), max_bytes_per_read);
}

}  // namespace gmr::attach
