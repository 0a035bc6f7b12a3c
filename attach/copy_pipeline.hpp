// Copying ranges while their requests are still being made: the tracer thread reads the registers of the
// frozen threads a chunk at a time and pushes each chunk's stacks, which a helper thread copies meanwhile;
// at the end both threads copy what is left. At 1,000 threads (2-CPU VM) registers then copy took 10.4 ms of
// the frozen window, overlapped 8.5 ms (medians): the copy is the larger part, and two threads read it
// only ~20% faster than one.
//
// Never a ptrace request on the helper (only the tracer thread may make those): process_vm_readv needs no
// stopped thread and may come from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <span>
#include <utility>

#include "attach/memory_copy.hpp"
#include "attach/process_memory.hpp"

namespace gmr::attach {

class CopyPipeline {
 public:
  /// `copies` is an open batch (RangeCopies(prepared, capacity)); requests reach it through push() and
  /// finish(), and every request is read once finish() returns.
  CopyPipeline(const ProcessMemory& memory, RangeCopies& copies) : memory_(memory), copies_(copies) {}
  /// Stops the helper after the chunks already queued (when finish() was not reached: an exception).
  ~CopyPipeline();
  CopyPipeline(const CopyPipeline&) = delete;
  CopyPipeline& operator=(const CopyPipeline&) = delete;

  /// Adds `requests` to the copies (their indices follow those added before) and queues them for the
  /// helper, started by the first push (run_beside: with no thread to be had, finish() reads everything).
  void push(std::span<const RangeRequest> requests);

  /// Adds `last` as push() does, then reads queued chunks on this thread beside the helper until none is
  /// left, and waits for the helper. Rethrows what the helper threw. A batch never pushed is read here alone:
  /// a small process starts no thread.
  void finish(std::span<const RangeRequest> last = {});

 private:
  using Chunk = std::pair<std::size_t, std::size_t>;  // [first, end) of the copies' requests
  /// Adds `requests` to the copies and queues them as one chunk (no wake-up).
  void enqueue(std::span<const RangeRequest> requests);
  /// The next chunk to read; none when the queue is empty and, if `wait`, closed.
  std::optional<Chunk> next_chunk(bool wait);
  void close();

  const ProcessMemory& memory_;
  RangeCopies& copies_;
  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<Chunk> queue_;
  bool closed_ = false;
  std::future<void> helper_;  // last: destroyed (waited for) before what it uses
};

}  // namespace gmr::attach
