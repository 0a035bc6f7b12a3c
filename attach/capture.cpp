#include "attach/capture.hpp"

#include <signal.h>
#include <sys/utsname.h>
#include <time.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <thread>

#include "attach/copy_estimate.hpp"
#include "attach/freezer.hpp"
#include "attach/frozen_copy.hpp"
#include "attach/live_process.hpp"
#include "attach/preflight.hpp"
#include "attach/proc_parse.hpp"
#include "attach/recording_memory.hpp"
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

/// CPU time of the calling thread: with the wall time, shows how much of a step was the machine's load.
std::chrono::nanoseconds thread_cpu_time() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
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
                                                 const std::vector<MapRange>& early_ranges, CopyBuffer prepared,
                                                 Snapshot& snap) {
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
  FrozenBytes bytes = copy_frozen_state(process, *kernel, freezer, options, early_ranges, std::move(prepared), snap);
  rebound_copies(process.memory(), options, early_ranges, bytes, snap);
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
  // The maps before the freeze bound the stack copies made while registers are still being read (the
  // frozen maps come in beside them, and correct them); and size the buffer those copies go into.
  const std::vector<MapRange> early_ranges = parse_map_ranges(process.maps_text().value_or(""));
  CopyBuffer prepared(estimate_copy_bytes(before, early_ranges, options.max_stack));
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
        result = freeze_and_copy(process, options, early_ranges, std::move(prepared), snap);
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
