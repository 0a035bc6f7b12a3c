#include "attach/capture.hpp"

#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <set>
#include <thread>

#include "attach/freezer.hpp"
#include "attach/linux_kernel.hpp"
#include "attach/memory_copy.hpp"
#include "attach/permission.hpp"
#include "attach/preflight.hpp"
#include "attach/proc_parse.hpp"
#include "attach/proc_read.hpp"
#include "attach/sidecar.hpp"
#include "attach/symbol_values.hpp"
#include "attach/wait_memory.hpp"

namespace gmr::attach {
namespace {

// x86-64 SysV: leaf functions may use 128 bytes below SP without moving it.
constexpr std::uint64_t red_zone = 128;

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

void read_process_header(pid_t pid, Snapshot& snap) {
  const std::string dir = "/proc/" + std::to_string(pid);
  if (auto cmdline = read_file(dir + "/cmdline")) snap.cmdline = parse_cmdline(*cmdline);
  snap.exe_path = read_executable(pid, &snap.exe_deleted);
  snap.shares_gmr_root = shares_root_with_self(pid);
  if (auto status = read_file(dir + "/status")) {
    auto s = parse_status(*status);
    if (s.uids) snap.uid = (*s.uids)[0];
  }
  utsname u{};
  if (uname(&u) == 0) snap.kernel_release = u.release;
}

const MapRange* range_of(const std::vector<MapRange>& ranges, std::uint64_t address) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), address,
                             [](std::uint64_t a, const MapRange& m) { return a < m.start; });
  if (it == ranges.begin()) return nullptr;
  --it;
  return address < it->end ? &*it : nullptr;
}

/// A second, rarely needed batch: candidates for the mutex of glibc's endless wait after a PI EDEADLK, found
/// in the stacks just copied (attach/wait_memory.hpp).
void copy_pointed_words(pid_t pid, Snapshot& snap) {
  std::vector<RangeRequest> requests;
  std::vector<std::pair<ThreadSnapshot*, std::size_t>> owners;  // thread, number of its requests
  for (auto& t : snap.threads) {
    auto mine = pointed_word_requests(t, snap.maps);
    if (mine.empty()) continue;
    owners.emplace_back(&t, mine.size());
    requests.insert(requests.end(), mine.begin(), mine.end());
  }
  if (requests.empty()) return;
  auto copies = copy_ranges(pid, requests);
  std::size_t next = 0;
  for (auto [thread, count] : owners)
    for (std::size_t i = 0; i < count; ++i, ++next)
      if (copies[next]) thread->pointed_words.push_back(std::move(*copies[next]));
}

/// Raw bytes taken while frozen, turned into the Snapshot's maps and copies after release.
struct FrozenBytes {
  std::string maps_text;
  std::vector<ThreadSnapshot*> stack_owners;  // request i belongs to stack_owners[i]
  bool vdso_requested = false;                // then the request after the stacks
  std::vector<ThreadSnapshot*> waiters;       // then one request each: the words their syscall points at
  std::optional<RangeCopies> copies;
};

/// Everything done while the target is frozen: registers, the maps text, stacks and vDSO copied into one
/// buffer. No file or debug-info I/O beyond /proc/PID/maps; no parsing or allocation per mapping or thread
/// beyond what bounds the copies.
FrozenBytes copy_frozen_state(pid_t pid, Kernel& kernel, const Freezer& freezer, const CaptureOptions& options,
                              Snapshot& snap) {
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

  FrozenBytes frozen;
  if (auto maps = read_file("/proc/" + std::to_string(pid) + "/maps")) frozen.maps_text = std::move(*maps);
  const std::vector<MapRange> ranges = parse_map_ranges(frozen.maps_text);

  std::vector<RangeRequest> requests;
  requests.reserve(snap.threads.size() + 1);
  frozen.stack_owners.reserve(snap.threads.size());
  for (auto& t : snap.threads) {
    if (!t.registers) continue;
    const std::uint64_t sp = t.registers->rsp;
    const MapRange* m = range_of(ranges, sp);
    if (!m) {
      t.error = ThreadCopyError{ThreadCopyError::Kind::stack_not_captured, std::nullopt, sp};
      continue;
    }
    const std::uint64_t start = sp - m->start >= red_zone ? sp - red_zone : m->start;
    const std::uint64_t end = std::min<std::uint64_t>(m->end, start + options.max_stack);
    t.stack_truncated = end < m->end;
    requests.push_back({start, static_cast<std::size_t>(end - start)});
    frozen.stack_owners.push_back(&t);
  }
  const MapRange* vdso = nullptr;
  for (const auto& m : ranges)
    if (m.vdso) vdso = &m;
  if (vdso) {
    requests.push_back({vdso->start, static_cast<std::size_t>(vdso->end - vdso->start)});
    frozen.vdso_requested = true;
  }
  // Lock analysis: the words a blocked syscall points at, in the same batch as the stacks.
  for (auto& t : snap.threads)
    if (t.registers)
      if (auto request = syscall_memory_request(*t.registers)) {
        requests.push_back(*request);
        frozen.waiters.push_back(&t);
      }
  frozen.copies = copy_ranges_in_one_buffer(pid, requests);
  return frozen;
}

/// After release: parses the maps and gives each thread its stack copy.
void finish_copy(FrozenBytes& frozen, Snapshot& snap) {
  snap.maps = parse_maps(frozen.maps_text);
  std::sort(snap.maps.begin(), snap.maps.end(), [](const Mapping& a, const Mapping& b) { return a.start < b.start; });
  const RangeCopies& copies = *frozen.copies;
  for (std::size_t i = 0; i < frozen.stack_owners.size(); ++i) {
    auto copy = copies.take(i);
    if (copy) {
      frozen.stack_owners[i]->stack = std::move(*copy);
    } else {
      frozen.stack_owners[i]->error = ThreadCopyError{ThreadCopyError::Kind::stack_unreadable, copy.error()};
    }
  }
  const std::size_t first_wait = frozen.stack_owners.size() + (frozen.vdso_requested ? 1 : 0);
  if (frozen.vdso_requested)
    if (auto copy = copies.take(first_wait - 1)) snap.vdso = std::move(*copy);
  for (std::size_t i = 0; i < frozen.waiters.size(); ++i)
    if (auto copy = copies.take(first_wait + i)) frozen.waiters[i]->syscall_memory = std::move(*copy);
}

/// Runs on the tracer thread: freeze, copy, let go.
std::expected<void, AttachError> freeze_and_copy(pid_t pid, const CaptureOptions& options, Snapshot& snap) {
  LinuxKernel kernel;
  Freezer freezer(kernel, pid);
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  auto frozen = freezer.freeze(deadline);
  if (!frozen) {
    if (frozen.error().kind == AttachErrorKind::permission_denied)
      frozen.error().message = explain_permission(gather_permission_facts(pid));
    return std::unexpected(frozen.error());
  }
  snap.captured_at = std::chrono::system_clock::now();
  FrozenBytes bytes = copy_frozen_state(pid, kernel, freezer, options, snap);
  snap.symbols = read_symbol_values(pid, options.symbols, options.max_config_bytes);
  // Rarely (a PI-mutex EDEADLK wait) a second batch needs the stacks and maps while still frozen.
  const bool second_batch = std::any_of(snap.threads.begin(), snap.threads.end(), [](const ThreadSnapshot& t) {
    return t.registers && may_need_pointed_words(*t.registers);
  });
  if (second_batch) {
    finish_copy(bytes, snap);
    copy_pointed_words(pid, snap);
  }
  freezer.release();
  const auto released = std::chrono::steady_clock::now();
  if (auto first = freezer.first_interrupt()) snap.stop_window = released - *first;
  if (!second_batch) finish_copy(bytes, snap);
  return {};
}

/// `before` is sorted by tid.
void fill_thread_facts(pid_t pid, const std::vector<ThreadFacts>& before, Snapshot& snap) {
  std::vector<pid_t> held;
  held.reserve(snap.threads.size());
  for (auto& t : snap.threads) {
    held.push_back(t.facts.tid);
    auto it = std::lower_bound(before.begin(), before.end(), t.facts.tid,
                               [](const ThreadFacts& f, pid_t tid) { return f.tid < tid; });
    if (it != before.end() && it->tid == t.facts.tid) {
      t.facts = *it;
    } else {
      t.facts = read_thread_facts(pid, t.facts.tid);
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

  Snapshot snap;
  snap.pid = pid;
  read_process_header(pid, snap);

  // Facts read before the freeze: once traced, every thread's state reads as 't'.
  std::vector<ThreadFacts> before;
  for (pid_t tid : read_thread_ids(pid)) before.push_back(read_thread_facts(pid, tid));

  std::expected<void, AttachError> result;
  std::exception_ptr failure;
  {
    SignalBlock block;
    // All ptrace requests come from this one thread. When it ends, the kernel releases any tracee that
    // never reached a stop (a thread in uninterruptible sleep): nothing stays attached after capture().
    std::thread tracer([&] {
      try {
        result = freeze_and_copy(pid, options, snap);
      } catch (...) {
        failure = std::current_exception();
      }
    });
    tracer.join();
  }
  if (failure) std::rethrow_exception(failure);
  if (!result) return std::unexpected(result.error());

  fill_thread_facts(pid, before, snap);
  // Read after the freeze, not while frozen (no extra /proc I/O in the stop window): an fd closed or
  // reused in between names its new target or none.
  const std::vector<int> fds = waited_fds(snap);
  snap.fd_targets = read_fd_targets(pid, fds);
  std::sort(snap.threads.begin(), snap.threads.end(), [pid](const ThreadSnapshot& a, const ThreadSnapshot& b) {
    if ((a.facts.tid == pid) != (b.facts.tid == pid)) return a.facts.tid == pid;
    return a.facts.tid < b.facts.tid;
  });
  snap.freeze_timeout = options.timeout;
  for (const auto& t : snap.threads)
    if (t.stop_kind == StopKind::group_stop) snap.was_group_stopped = true;
  snap.processes = read_process_tree(pid);
  snap.sidecars = read_sidecars(pid, options.sidecars, snap.cmdline, options.max_config_bytes);
  return snap;
}

}  // namespace gmr::attach
