// bench_floor: the floor under any freezer's stop window on this host — architecture.md's minimal freezer.
//
//   bench_floor [--tracers N] PID
//
// Seizes every thread of PID, interrupts each, waits for each stop (waitpid(tid, __WALL)), reads its
// registers (PTRACE_GETREGSET) and 4 KiB at its stack pointer, then detaches each: the ptrace work any
// freezer of every thread must do, and nothing else (no maps, no stack copy beyond a page, no bookkeeping).
// With N tracer threads each seizes, holds and releases its own contiguous share of the tids (a tracee
// answers only to the thread that seized it). The benchmark runs it beside gmr on the same target: what
// gmr's window adds to this is of gmr's own making; a goal below it cannot be met on this host.
//
// A benchmark tool, not a diagnostic: it expects a target that creates no threads while it runs (the bench
// targets), hands a raced signal back at detach, and lets every thread go before it exits. Prints one line:
//   held T threads: window W ms (first interrupt to last detach)
// Exit status: 0, 1 when a thread could not be seized or stopped (every thread is still let go), 64 usage.
#include <linux/elf.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "attach/proc_read.hpp"

namespace {

using Clock = std::chrono::steady_clock;

/// One tracer thread's share: seize, interrupt, wait, read, detach. Runs entirely on the calling thread.
class Share {
 public:
  Share(pid_t pid, std::vector<pid_t> tids) : pid_(pid), tids_(std::move(tids)), held_(tids_.size()) {}

  /// Shares seize in parallel, then wait for each other before interrupting: no thread is held while
  /// another share is still seizing (seizing does not stop a thread).
  void run(std::atomic<int>& seized_shares, int shares) {
    for (std::size_t i = 0; i < tids_.size(); ++i) {
      held_[i].seized = ptrace(PTRACE_SEIZE, tids_[i], nullptr, nullptr) == 0;
      if (!held_[i].seized && errno != ESRCH) failed_ = true;
    }
    seized_shares.fetch_add(1);
    while (seized_shares.load() < shares) std::this_thread::yield();
    started_ = Clock::now();
    for (std::size_t i = 0; i < tids_.size(); ++i)
      if (held_[i].seized) ptrace(PTRACE_INTERRUPT, tids_[i], nullptr, nullptr);
    for (std::size_t i = 0; i < tids_.size(); ++i)
      if (held_[i].seized) take_stop(i);
    std::array<char, 4096> page;
    for (std::size_t i = 0; i < tids_.size(); ++i) {
      if (!held_[i].stopped) continue;
      user_regs_struct regs{};
      iovec io{&regs, sizeof regs};
      if (ptrace(PTRACE_GETREGSET, tids_[i], reinterpret_cast<void*>(NT_PRSTATUS), &io) != 0) continue;
      iovec local{page.data(), page.size()};
      iovec remote{reinterpret_cast<void*>(regs.rsp & ~std::uint64_t{4095}), page.size()};
      process_vm_readv(pid_, &local, 1, &remote, 1, 0);
    }
    for (std::size_t i = 0; i < tids_.size(); ++i)
      if (held_[i].stopped) ptrace(PTRACE_DETACH, tids_[i], nullptr, reinterpret_cast<void*>(long{held_[i].signal}));
    released_ = Clock::now();
  }

  bool failed() const { return failed_; }
  std::size_t held() const {
    return static_cast<std::size_t>(std::count_if(held_.begin(), held_.end(), [](const Held& h) { return h.stopped; }));
  }
  Clock::time_point started() const { return started_; }
  Clock::time_point released() const { return released_; }

 private:
  struct Held {
    bool seized = false;
    bool stopped = false;
    int signal = 0;  // a signal that won the race with the interrupt: handed back at detach
  };

  void take_stop(std::size_t i) {
    int status = 0;
    for (;;) {
      const pid_t got = waitpid(tids_[i], &status, __WALL);
      if (got == tids_[i]) break;
      if (got < 0 && errno == EINTR) continue;
      failed_ = true;  // the thread vanished unreaped, or a wait error: not stopped, nothing to detach
      return;
    }
    if (!WIFSTOPPED(status)) return;  // exited while being interrupted
    held_[i].stopped = true;
    // PTRACE_EVENT_STOP (status >> 16) is the interrupt's own stop, or a group-stop; otherwise a signal.
    if ((status >> 16) == 0) held_[i].signal = WSTOPSIG(status);
  }

  pid_t pid_;
  std::vector<pid_t> tids_;
  std::vector<Held> held_;
  bool failed_ = false;
  Clock::time_point started_{}, released_{};
};

int usage() {
  std::fprintf(stderr, "usage: bench_floor [--tracers N] PID\n");
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  int tracers = 1;
  pid_t pid = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--tracers" && i + 1 < argc) {
      tracers = std::atoi(argv[++i]);
    } else if (pid == 0 && !arg.empty() && arg.find_first_not_of("0123456789") == std::string::npos) {
      pid = static_cast<pid_t>(std::atoi(arg.c_str()));
    } else {
      return usage();
    }
  }
  if (pid <= 0 || tracers < 1 || tracers > 64) return usage();
  const std::vector<pid_t> tids = gmr::attach::read_thread_ids(pid);
  if (tids.empty()) {
    std::fprintf(stderr, "bench_floor: no threads found for process %d\n", pid);
    return 1;
  }
  // Contiguous shares, as equal as the count allows.
  std::vector<Share> shares;
  const std::size_t n = static_cast<std::size_t>(tracers);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t begin = tids.size() * k / n, end = tids.size() * (k + 1) / n;
    shares.emplace_back(pid, std::vector<pid_t>(tids.begin() + static_cast<std::ptrdiff_t>(begin),
                                                tids.begin() + static_cast<std::ptrdiff_t>(end)));
  }
  std::atomic<int> seized_shares{0};
  std::vector<std::thread> threads;
  for (Share& share : shares) threads.emplace_back([&share, &seized_shares, tracers] { share.run(seized_shares, tracers); });
  for (std::thread& t : threads) t.join();

  Clock::time_point first = shares.front().started(), last = shares.front().released();
  std::size_t held = 0;
  bool failed = false;
  for (const Share& share : shares) {
    first = std::min(first, share.started());
    last = std::max(last, share.released());
    held += share.held();
    failed = failed || share.failed();
  }
  std::printf("held %zu threads: window %.2f ms (first interrupt to last detach)\n", held,
              std::chrono::duration<double, std::milli>(last - first).count());
  if (failed) std::fprintf(stderr, "bench_floor: not every thread of process %d could be seized and stopped\n", pid);
  return failed ? 1 : 0;
}
