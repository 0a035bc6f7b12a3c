#include "attach/capture.hpp"

#include <signal.h>
#include <sys/utsname.h>
#include <time.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <future>
#include <memory>
#include <span>
#include <thread>

#include "attach/base/maps.hpp"
#include "attach/copy_estimate.hpp"
#include "attach/freezer.hpp"
#include "attach/live_process.hpp"
#include "attach/memory_copy.hpp"
#include "attach/preflight.hpp"
#include "attach/proc_parse.hpp"
#include "attach/recording_memory.hpp"
#include "attach/run_beside.hpp"
#include "attach/signal_stack.hpp"
#include "attach/symbol_values.hpp"
#include "attach/wait_memory.hpp"

namespace gmr::attach {
namespace {

/// Blocks the signals the tracer thread waits on, in the calling thread (and so in the tracer thread it
/// starts), for the lifetime of the guard.
class SignalBlock {
 public:
  SignalBlock() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
    pthread_sigmask(SIG_BLOCK, &set, &saved_);
  }
  ~SignalBlock() { pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }
  SignalBlock(const SignalBlock&) = delete;
  SignalBlock& operator=(const SignalBlock&) = delete;

 private:
  sigset_t saved_;
};

void read_process_header(ProcessConnection& process, Snapshot& snap) {
  snap.cmdline = process.cmdline();
  if (auto exe = process.executable()) {
    snap.exe_path = std::move(exe->path);
    snap.exe_deleted = exe->deleted;
  }
  snap.shares_gmr_root = process.shares_gmr_root();
  snap.uid = process.uid();
  utsname u{};
  if (uname(&u) == 0) snap.kernel_release = u.release;
}

/// A range to copy while frozen, and where its bytes go once the target is let go.
struct FrozenRequest {
  enum class Destination {
    stack,           // ThreadSnapshot::stack, or its error when nothing could be read
    vdso,            // Snapshot::vdso
    syscall_memory,  // ThreadSnapshot::syscall_memory
    interrupted_stack,  // ThreadSnapshot::interrupted_stack
    pointed_words,   // appended to ThreadSnapshot::pointed_words
  };
  RangeRequest range;
  Destination to = Destination::stack;
  ThreadSnapshot* thread = nullptr;  // the owner; null for the vDSO
};

RangeCopies copy_requests(const ProcessMemory& memory, const std::vector<FrozenRequest>& requests,
                          CopyBuffer prepared = {}) {
  std::vector<RangeRequest> ranges;
  ranges.reserve(requests.size());
  for (const auto& request : requests) ranges.push_back(request.range);
  return copy_ranges_in_one_buffer(memory, ranges, std::move(prepared));
}

/// Gives each request's copy (copies.take(i) holds requests[i]) to its owner.
void deliver(const std::vector<FrozenRequest>& requests, const RangeCopies& copies, Snapshot& snap) {
  using Destination = FrozenRequest::Destination;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const FrozenRequest& request = requests[i];
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
    }
  }
}

/// A second, rarely needed batch: candidates for the mutex of glibc's endless wait after a PI EDEADLK, found
/// in the stacks just copied (attach/wait_memory.hpp).
void copy_pointed_words(const ProcessMemory& memory, Snapshot& snap) {
  std::vector<FrozenRequest> requests;
  for (auto& t : snap.threads)
    for (const RangeRequest& range : pointed_word_requests(t, snap.maps))
      requests.push_back({range, FrozenRequest::Destination::pointed_words, &t});
  if (requests.empty()) return;
  deliver(requests, copy_requests(memory, requests), snap);
}

/// Raw bytes taken while frozen, turned into the Snapshot's maps and copies after release.
struct FrozenBytes {
  std::string maps_text;
  std::vector<MapRange> ranges;         // of maps_text
  std::vector<FrozenRequest> requests;  // owners point into Snapshot::threads, which no longer grows
  std::optional<RangeCopies> copies;
  std::vector<FrozenRequest> interrupted;  // a second batch: stacks below signal frames on alternate stacks
  std::optional<RangeCopies> interrupted_copies;
};

/// Everything done while the target is frozen: registers, the maps text, stacks and vDSO copied into
/// `prepared` (and what does not fit into one more buffer). No file or debug-info I/O beyond /proc/PID/maps;
/// no parsing or allocation per mapping or thread beyond what bounds the copies.
FrozenBytes copy_frozen_state(ProcessConnection& process, Kernel& kernel, const Freezer& freezer,
                              const CaptureOptions& options, CopyBuffer prepared, Snapshot& snap) {
  FrozenBytes frozen;
  // /proc/PID/maps is read and parsed by a second thread while this one reads the registers (only the
  // tracer thread may): at 10,000 threads (20,000 mappings) that is 13 ms of the frozen window taken off.
  std::future<void> maps_read = run_beside([&process, &frozen] {
    if (auto maps = process.maps_text()) frozen.maps_text = std::move(*maps);
    frozen.ranges = parse_map_ranges(frozen.maps_text);
  });

  snap.threads.reserve(freezer.threads().size());
  for (const auto& [tid, held] : freezer.threads()) {
    if (held.exited()) continue;
    ThreadSnapshot t;
    t.facts.tid = tid;
    if (held.stopped()) {
      t.freeze = FreezeState::frozen;
      t.stop_kind = held.stop_kind();
      t.pending_signal = held.pending_signal();
      t.registers = kernel.registers(tid);
      if (!t.registers) t.error = ThreadCopyError{ThreadCopyError::Kind::no_registers};
    } else {
      t.freeze = FreezeState::not_frozen;
    }
    snap.threads.push_back(std::move(t));
  }

  maps_read.get();
  const std::vector<MapRange>& ranges = frozen.ranges;

  using Destination = FrozenRequest::Destination;
  frozen.requests.reserve(snap.threads.size() + 1);
  for (auto& t : snap.threads) {
    if (!t.registers) continue;
    const auto stack = thread_stack_range(t.registers->rsp, t.registers->fs_base, ranges, options.max_stack);
    if (!stack) {
      t.error = ThreadCopyError{ThreadCopyError::Kind::stack_not_captured, std::nullopt, t.registers->rsp};
      continue;
    }
    t.stack_truncated = stack->truncated;
    frozen.requests.push_back({stack->range, Destination::stack, &t});
  }
  const MapRange* vdso = nullptr;
  for (const auto& m : ranges)
    if (m.vdso) vdso = &m;
  if (vdso)
    frozen.requests.push_back({{vdso->start, static_cast<std::size_t>(vdso->end - vdso->start)}, Destination::vdso});
  // Lock analysis: the words a blocked syscall points at, in the same batch as the stacks.
  for (auto& t : snap.threads)
    if (t.registers)
      if (auto range = syscall_memory_request(*t.registers))
        frozen.requests.push_back({*range, Destination::syscall_memory, &t});
  frozen.copies = copy_requests(process.memory(), frozen.requests, std::move(prepared));
  return frozen;
}

/// Still frozen, after the first batch: for each stack copy holding a signal frame on an alternate stack,
/// the thread's own stack below it, copied now (its bytes change once the thread runs again). Rare, so its
/// buffer is allocated here rather than prepared before the freeze.
void copy_interrupted_stacks(const ProcessMemory& memory, const CaptureOptions& options, FrozenBytes& frozen) {
  for (std::size_t i = 0; i < frozen.requests.size(); ++i) {
    const FrozenRequest& request = frozen.requests[i];
    if (request.to != FrozenRequest::Destination::stack) continue;
    const std::uint64_t start = frozen.copies->start(i);
    const std::span<const std::byte> bytes = frozen.copies->bytes(i);
    const auto sp = interrupted_sp_below_altstack(request.thread->registers->rsp, start, bytes, frozen.ranges);
    if (!sp || (*sp >= start && *sp - start < bytes.size())) continue;  // none, or already in this copy
    if (auto stack = stack_range(*sp, frozen.ranges, options.max_stack))
      frozen.interrupted.push_back({stack->range, FrozenRequest::Destination::interrupted_stack, request.thread});
  }
  if (!frozen.interrupted.empty()) frozen.interrupted_copies = copy_requests(memory, frozen.interrupted);
}

/// After release: parses the maps and gives each copy to its owner.
void finish_copy(FrozenBytes& frozen, Snapshot& snap) {
  snap.maps = parse_maps(frozen.maps_text);
  deliver(frozen.requests, *frozen.copies, snap);
  if (frozen.interrupted_copies) deliver(frozen.interrupted, *frozen.interrupted_copies, snap);
}

/// CPU time of the calling thread: with the wall time, shows how much of a step was the machine's load.
std::chrono::nanoseconds thread_cpu_time() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

/// The copies of the first batch that the Snapshot keeps whole (stacks, vDSO): the frozen-time step reads
/// inside them without fetching again.
std::vector<RecordingMemory::Copied> kept_copies(const FrozenBytes& frozen) {
  using Destination = FrozenRequest::Destination;
  std::vector<RecordingMemory::Copied> copied;
  for (std::size_t i = 0; i < frozen.requests.size(); ++i) {
    const auto to = frozen.requests[i].to;
    if (to == Destination::stack || to == Destination::vdso)
      copied.push_back({frozen.requests[i].range.start, frozen.copies->bytes(i)});
  }
  return copied;
}

/// The caller's frozen-time step over a RecordingMemory, timed. Its pages go into the snapshot after
/// release (RecordingMemory::take_pages).
void run_frozen_step(const CaptureOptions& options, RecordingMemory& memory, Snapshot& snap) {
  std::vector<FrozenThread> threads;
  threads.reserve(snap.threads.size());
  for (const auto& t : snap.threads)
    if (t.registers) threads.push_back({t.facts.tid, &*t.registers});
  FrozenReadStats stats;
  const auto start = std::chrono::steady_clock::now();
  const auto cpu_start = thread_cpu_time();
  try {
    options.while_frozen(memory, threads);
  } catch (const std::exception& e) {
    stats.error = e.what();
  }
  stats.duration = std::chrono::steady_clock::now() - start;
  stats.cpu = thread_cpu_time() - cpu_start;
  const FrozenReadStats reads = memory.stats();
  stats.pages = reads.pages;
  stats.read_calls = reads.read_calls;
  stats.unreadable_pages = reads.unreadable_pages;
  stats.budget = options.while_frozen_max_bytes;
  stats.budget_hit = reads.budget_hit;
  snap.frozen_step = std::move(stats);
}

/// Runs on the tracer thread: freeze, copy, let go.
std::expected<void, AttachError> freeze_and_copy(ProcessConnection& process, const CaptureOptions& options,
                                                 CopyBuffer prepared, Snapshot& snap) {
  const std::unique_ptr<Kernel> kernel = process.open_kernel();
  Freezer freezer(*kernel, process.pid());  // after the kernel: released before it goes
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  auto frozen = freezer.freeze(deadline);
  if (!frozen) {
    if (frozen.error().kind == AttachErrorKind::permission_denied)
      frozen.error().message = process.explain_permission_denied();
    return std::unexpected(frozen.error());
  }
  snap.captured_at = std::chrono::system_clock::now();
  FrozenBytes bytes = copy_frozen_state(process, *kernel, freezer, options, std::move(prepared), snap);
  copy_interrupted_stacks(process.memory(), options, bytes);
  snap.symbols = read_symbol_values(process.memory(), options.symbols, options.max_config_bytes);
  // Rarely (a PI-mutex EDEADLK wait) a second batch needs the stacks and maps while still frozen.
  const bool second_batch = std::any_of(snap.threads.begin(), snap.threads.end(), [](const ThreadSnapshot& t) {
    return t.registers && may_need_pointed_words(*t.registers);
  });
  if (second_batch) {
    finish_copy(bytes, snap);
    copy_pointed_words(process.memory(), snap);
  }
  std::optional<RecordingMemory> recording;
  if (options.while_frozen) {
    recording.emplace(process.memory(), options.while_frozen_max_bytes, kept_copies(bytes));
    run_frozen_step(options, *recording, snap);
  }
  freezer.release();
  const auto released = std::chrono::steady_clock::now();
  if (auto first = freezer.held_since()) snap.stop_window = released - *first;
  if (!second_batch) finish_copy(bytes, snap);
  if (recording) snap.interpreter_memory = recording->take_pages();
  return {};
}

/// `before` is sorted by tid.
void fill_thread_facts(ProcessConnection& process, const std::vector<ThreadFacts>& before, Snapshot& snap) {
  std::vector<pid_t> held;
  held.reserve(snap.threads.size());
  for (auto& t : snap.threads) {
    held.push_back(t.facts.tid);
    auto it = std::lower_bound(before.begin(), before.end(), t.facts.tid,
                               [](const ThreadFacts& f, pid_t tid) { return f.tid < tid; });
    if (it != before.end() && it->tid == t.facts.tid) {
      t.facts = *it;
    } else {
      t.facts = process.thread_facts(t.facts.tid);
      t.facts_before_freeze = false;
    }
  }
  std::ranges::sort(held);
  snap.threads_vanished = static_cast<std::size_t>(
      std::ranges::count_if(before, [&](const ThreadFacts& f) { return !std::ranges::binary_search(held, f.tid); }));
}

}  // namespace

std::expected<Snapshot, AttachError> capture(pid_t pid, const CaptureOptions& options) {
  if (auto refused = preflight(pid)) return std::unexpected(*refused);
  LiveProcess process(pid);
  return capture(process, options);
}

std::expected<Snapshot, AttachError> capture(ProcessConnection& process, const CaptureOptions& options) {
  const pid_t pid = process.pid();
  Snapshot snap;
  snap.pid = pid;
  read_process_header(process, snap);

  // Facts read before the freeze: once traced, every thread's state reads as 't'.
  std::vector<ThreadFacts> before;
  for (pid_t tid : process.thread_ids()) before.push_back(process.thread_facts(tid));
  CopyBuffer prepared(estimate_copy_bytes(before, process.maps_text().value_or(""), options.max_stack));
  // The per-thread records are written while frozen: their memory is faulted in now (clear() keeps it).
  snap.threads.resize(before.size() + before.size() / 16 + 16);
  snap.threads.clear();

  std::expected<void, AttachError> result;
  std::exception_ptr failure;
  {
    SignalBlock block;
    // All ptrace requests come from this one thread. When it ends, the kernel releases any tracee that
    // never reached a stop (a thread in uninterruptible sleep): nothing stays attached after capture().
    std::thread tracer([&] {
      try {
        result = freeze_and_copy(process, options, std::move(prepared), snap);
      } catch (...) {
        failure = std::current_exception();
      }
    });
    tracer.join();
  }
  if (failure) std::rethrow_exception(failure);
  if (!result) return std::unexpected(result.error());

  fill_thread_facts(process, before, snap);
  // Read after the freeze, not while frozen (no extra /proc I/O in the stop window): an fd closed or
  // reused in between names its new target or none.
  const std::vector<int> fds = waited_fds(snap);
  snap.fd_targets = read_fd_targets(process, fds);
  std::sort(snap.threads.begin(), snap.threads.end(), [pid](const ThreadSnapshot& a, const ThreadSnapshot& b) {
    if ((a.facts.tid == pid) != (b.facts.tid == pid)) return a.facts.tid == pid;
    return a.facts.tid < b.facts.tid;
  });
  snap.freeze_timeout = options.timeout;
  for (const auto& t : snap.threads)
    if (t.stop_kind == StopKind::group_stop) snap.was_group_stopped = true;
  snap.processes = process.process_tree();
  snap.sidecars = process.sidecars(options.sidecars, snap.cmdline, options.max_config_bytes);
  return snap;
}

}  // namespace gmr::attach
