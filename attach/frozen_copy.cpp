#include "attach/frozen_copy.hpp"

#include <future>
#include <span>

#include "attach/base/maps.hpp"
#include "attach/copy_pipeline.hpp"
#include "attach/run_beside.hpp"
#include "attach/signal_stack.hpp"
#include "attach/wait_memory.hpp"

namespace gmr::attach {
namespace {

RangeCopies copy_requests(const ProcessMemory& memory, const std::vector<FrozenRequest>& requests) {
  std::vector<RangeRequest> ranges;
  ranges.reserve(requests.size());
  for (const auto& request : requests) ranges.push_back(request.range);
  return copy_ranges_in_one_buffer(memory, ranges);
}

/// Gives each request's copy (copies.take(i) holds requests[i]) to its owner.
void deliver(const std::vector<FrozenRequest>& requests, const RangeCopies& copies, Snapshot& snap) {
  using Destination = FrozenRequest::Destination;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const FrozenRequest& request = requests[i];
    if (request.to == Destination::superseded) continue;
    auto copy = copies.take(i);
    if (!copy) {
      if (request.to == Destination::stack)
        request.thread->error = ThreadCopyError{ThreadCopyError::Kind::stack_unreadable, copy.error()};
      continue;
    }
    switch (request.to) {
      case Destination::stack: request.thread->stack = std::move(*copy); break;
      case Destination::vdso: snap.vdso = std::move(*copy); break;
      case Destination::syscall_memory: request.thread->syscall_memory = std::move(*copy); break;
      case Destination::interrupted_stack: request.thread->interrupted_stack = std::move(*copy); break;
      case Destination::pointed_words: request.thread->pointed_words.push_back(std::move(*copy)); break;
      case Destination::superseded: break;
    }
  }
}

/// Threads whose registers are read before their stacks are queued for the copy thread: at 10,000 threads
/// 157 hand-overs, each a few microseconds, and a copy thread never left idle for long.
constexpr std::size_t pipeline_chunk = 64;

/// `t`'s stack as `ranges` bound it (whether max_stack cut it goes into t.stack_truncated); none when its SP is
/// in none of them.
std::optional<FrozenRequest> stack_request(ThreadSnapshot& t, const std::vector<MapRange>& ranges,
                                           std::size_t max_stack) {
  const auto stack = thread_stack_range(t.registers->rsp, t.registers->fs_base, ranges, max_stack);
  if (!stack) return std::nullopt;
  t.stack_truncated = stack->truncated;
  return FrozenRequest{stack->range, FrozenRequest::Destination::stack, &t};
}

/// The vDSO's whole mapping; none when the maps show no vDSO.
std::optional<FrozenRequest> vdso_request(const std::vector<MapRange>& ranges) {
  const MapRange* vdso = nullptr;
  for (const auto& m : ranges)
    if (m.vdso) vdso = &m;
  if (!vdso) return std::nullopt;
  return FrozenRequest{{vdso->start, static_cast<std::size_t>(vdso->end - vdso->start)},
                       FrozenRequest::Destination::vdso};
}

bool same_range(const RangeRequest& a, const RangeRequest& b) { return a.start == b.start && a.size == b.size; }

}  // namespace

void CopyBatch::deliver_to(Snapshot& snap) const {
  if (copies) deliver(requests, *copies, snap);
}

FrozenBytes copy_frozen_state(ProcessConnection& process, Kernel& kernel, const Freezer& freezer,
                              const CaptureOptions& options, const std::vector<MapRange>& early_ranges,
                              CopyBuffer prepared, Snapshot& snap) {
  FrozenBytes frozen;
  // /proc/PID/maps is read and parsed by a second thread while this one reads the registers (only the
  // tracer thread may): at 10,000 threads (20,000 mappings) that is 13 ms of the frozen window taken off.
  std::future<void> maps_read = run_beside([&process, &frozen] {
    if (auto maps = process.maps_text()) frozen.maps_text = std::move(*maps);
    frozen.ranges = parse_map_ranges(frozen.maps_text);
  });

  using Destination = FrozenRequest::Destination;
  const std::size_t held = freezer.threads().size();
  std::vector<FrozenRequest>& requests = frozen.pipelined.requests;
  requests.reserve(2 * held + 1);  // a stack and syscall words per thread, the vDSO
  frozen.pipelined.copies.emplace(std::move(prepared), 2 * held + 1);
  snap.threads.reserve(held);
  {
    CopyPipeline pipeline(process.memory(), *frozen.pipelined.copies);
    std::vector<RangeRequest> chunk;
    std::size_t queued = 0;  // requests handed to the pipeline
    auto take_chunk = [&] {
      chunk.clear();
      for (; queued < requests.size(); ++queued) chunk.push_back(requests[queued].range);
      return std::span<const RangeRequest>(chunk);
    };
    std::size_t unqueued_threads = 0;
    for (const auto& [tid, attachment] : freezer.threads()) {
      if (attachment.exited()) continue;
      ThreadSnapshot& t = snap.threads.emplace_back();
      t.facts.tid = tid;
      if (!attachment.stopped()) {
        t.freeze = FreezeState::not_frozen;
        continue;
      }
      t.freeze = FreezeState::frozen;
      t.stop_kind = attachment.stop_kind();
      t.pending_signal = attachment.pending_signal();
      t.registers = kernel.registers(tid);
      if (!t.registers) {
        t.error = ThreadCopyError{ThreadCopyError::Kind::no_registers};
        continue;
      }
      // A stack pointer in none of the early maps waits for the frozen ones (rebound_copies).
      if (auto stack = stack_request(t, early_ranges, options.max_stack)) requests.push_back(*stack);
      // Lock analysis: the words a blocked syscall points at.
      if (auto range = syscall_memory_request(*t.registers))
        requests.push_back({*range, Destination::syscall_memory, &t});
      if (++unqueued_threads == pipeline_chunk) {
        pipeline.push(take_chunk());
        unqueued_threads = 0;
      }
    }
    if (auto vdso = vdso_request(early_ranges)) requests.push_back(*vdso);
    pipeline.finish(take_chunk());
  }
  maps_read.get();
  return frozen;
}

void rebound_copies(const ProcessMemory& memory, const CaptureOptions& options,
                    const std::vector<MapRange>& early_ranges, FrozenBytes& frozen, Snapshot& snap) {
  using Destination = FrozenRequest::Destination;
  // Usually nothing changed: the same ranges bound every copy the same way (at 10,000 threads, bounding
  // them all again took 1-2 ms of the frozen window).
  const bool same_maps = early_ranges == frozen.ranges;
  std::vector<bool> has_stack(snap.threads.size());  // a stack request, pipelined or rebounded
  bool has_vdso = false;
  for (FrozenRequest& request : frozen.pipelined.requests) {
    if (request.to == Destination::vdso) {
      const auto now = vdso_request(frozen.ranges);
      has_vdso = now && same_range(now->range, request.range);
      if (!has_vdso) request.to = Destination::superseded;
    }
    if (request.to != Destination::stack) continue;
    ThreadSnapshot& t = *request.thread;
    if (!same_maps) {
      const bool early_truncated = t.stack_truncated;
      const auto now = stack_request(t, frozen.ranges, options.max_stack);
      if (!now || !same_range(now->range, request.range) || t.stack_truncated != early_truncated) {
        request.to = Destination::superseded;
        if (!now) continue;  // not captured: said below
        frozen.rebounded.requests.push_back(*now);
      }
    }
    has_stack[static_cast<std::size_t>(&t - snap.threads.data())] = true;
  }
  // Threads with no stack request: a stack pointer in none of the early maps, or in none of the frozen ones.
  for (std::size_t i = 0; i < snap.threads.size(); ++i) {
    ThreadSnapshot& t = snap.threads[i];
    if (has_stack[i] || !t.registers) continue;
    if (auto stack = stack_request(t, frozen.ranges, options.max_stack))
      frozen.rebounded.requests.push_back(*stack);
    else
      t.error = ThreadCopyError{ThreadCopyError::Kind::stack_not_captured, std::nullopt, t.registers->rsp};
  }
  if (!has_vdso)
    if (auto vdso = vdso_request(frozen.ranges)) frozen.rebounded.requests.push_back(*vdso);
  if (!frozen.rebounded.requests.empty())
    frozen.rebounded.copies = copy_requests(memory, frozen.rebounded.requests);
}

void copy_interrupted_stacks(const ProcessMemory& memory, const CaptureOptions& options, FrozenBytes& frozen) {
  for (const CopyBatch* batch : {&frozen.pipelined, &frozen.rebounded}) {
    if (!batch->copies) continue;
    for (std::size_t i = 0; i < batch->requests.size(); ++i) {
      const FrozenRequest& request = batch->requests[i];
      if (request.to != FrozenRequest::Destination::stack) continue;
      const std::uint64_t start = batch->copies->start(i);
      const std::span<const std::byte> bytes = batch->copies->bytes(i);
      const auto sp = interrupted_sp_below_altstack(request.thread->registers->rsp, start, bytes, frozen.ranges);
      if (!sp || (*sp >= start && *sp - start < bytes.size())) continue;  // none, or already in this copy
      if (auto stack = stack_range(*sp, frozen.ranges, options.max_stack))
        frozen.interrupted.requests.push_back(
            {stack->range, FrozenRequest::Destination::interrupted_stack, request.thread});
    }
  }
  if (!frozen.interrupted.requests.empty())
    frozen.interrupted.copies = copy_requests(memory, frozen.interrupted.requests);
}

void copy_pointed_words(const ProcessMemory& memory, Snapshot& snap) {
  std::vector<FrozenRequest> requests;
  for (auto& t : snap.threads)
    for (const RangeRequest& range : pointed_word_requests(t, snap.maps))
      requests.push_back({range, FrozenRequest::Destination::pointed_words, &t});
  if (requests.empty()) return;
  deliver(requests, copy_requests(memory, requests), snap);
}

void finish_copy(FrozenBytes& frozen, Snapshot& snap) {
  snap.maps = parse_maps(frozen.maps_text);
  for (const CopyBatch* batch : frozen.batches()) batch->deliver_to(snap);
}

std::vector<RecordingMemory::Copied> kept_copies(const FrozenBytes& frozen) {
  using Destination = FrozenRequest::Destination;
  std::vector<RecordingMemory::Copied> copied;
  for (const CopyBatch* batch : {&frozen.pipelined, &frozen.rebounded}) {
    if (!batch->copies) continue;
    for (std::size_t i = 0; i < batch->requests.size(); ++i) {
      const auto to = batch->requests[i].to;
      if (to == Destination::stack || to == Destination::vdso)
        copied.push_back({batch->requests[i].range.start, batch->copies->bytes(i)});
    }
  }
  return copied;
}

}  // namespace gmr::attach
