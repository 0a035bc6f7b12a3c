#include "attach/linux_kernel.hpp"

#include <elf.h>
#include <poll.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "attach/proc_parse.hpp"
#include "attach/proc_read.hpp"

namespace gmr::attach {
namespace {

int ptrace_result(long rc) { return rc == -1 ? errno : 0; }

// sleep() returns after this long without SIGCHLD ("quiet"): a thread that has not stopped by then may never
// (uninterruptible sleep), and the caller ignoring SIGCHLD (the kernel then never queues it) or the signal
// consumed elsewhere cannot make it wait longer.
constexpr std::chrono::milliseconds max_poll_slice{2};

}  // namespace

LinuxKernel::LinuxKernel() : tracer_tid_(gettid()) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
  signals_.reset(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  // Started from the tracer thread, the reaper inherits its blocked signals.
  reaper_ = std::thread([this] { reap_while_seizing(); });
}

LinuxKernel::~LinuxKernel() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  reaper_.join();
}

std::vector<pid_t> LinuxKernel::list_threads(pid_t pid) {
  process_ = pid;
  return read_thread_ids(pid);
}

int LinuxKernel::seize(pid_t tid) {
  ++seize_serial_;
  seizing_ = tid;
  const int result =
      ptrace_result(ptrace(PTRACE_SEIZE, tid, nullptr, reinterpret_cast<void*>(PTRACE_O_TRACECLONE)));
  seizing_ = 0;
  return result;
}

void LinuxKernel::reap_while_seizing() {
  constexpr std::chrono::milliseconds tick{5};
  unsigned seen_serial = 0;
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, tick, [this] { return stopping_; })) {
    const pid_t tid = seizing_;
    const unsigned serial = seize_serial_;
    // The same seize still in progress a whole tick later: it may be blocked by an exec.
    if (tid != 0 && serial == seen_serial) {
      lock.unlock();
      reap_dead_tracees(process_ != 0 ? process_.load() : tid);
      lock.lock();
    }
    seen_serial = serial;
  }
}

void LinuxKernel::reap_dead_tracees(pid_t pid) {
  // Only zombies traced by this tracer are reaped: a zombie has no other event to report, so nothing but
  // its exit is taken from the tracer's wait().
  for (pid_t t : read_thread_ids(pid)) {
    auto text = read_file(task_path(pid, t) + "/status");
    if (!text) continue;
    const StatusFields s = parse_status(*text);
    if (s.state != 'Z' || s.tracer_pid != tracer_tid_) continue;
    int status = 0;
    if (waitpid(t, &status, __WALL | WNOHANG) == t) {
      std::lock_guard lock(mutex_);
      reaped_.push_back(WaitResult::event(t, WaitStatus(status)));
      any_reaped_ = true;
    }
  }
}

int LinuxKernel::interrupt(pid_t tid) { return ptrace_result(ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr)); }

int LinuxKernel::detach(pid_t tid, int signal) {
  return ptrace_result(ptrace(PTRACE_DETACH, tid, nullptr, reinterpret_cast<void*>(static_cast<long>(signal))));
}

std::optional<pid_t> LinuxKernel::clone_child(pid_t tid) {
  unsigned long msg = 0;
  if (ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &msg) == -1) return std::nullopt;
  return static_cast<pid_t>(msg);
}

std::optional<user_regs_struct> LinuxKernel::registers(pid_t tid) {
  user_regs_struct regs{};
  iovec iov{&regs, sizeof regs};
  if (ptrace(PTRACE_GETREGSET, tid, reinterpret_cast<void*>(NT_PRSTATUS), &iov) == -1) return std::nullopt;
  return regs;
}

std::optional<WaitResult> LinuxKernel::take_reaped() {
  if (!any_reaped_.load()) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (reaped_.empty()) return std::nullopt;
  const WaitResult r = reaped_.front();
  reaped_.pop_front();
  any_reaped_ = !reaped_.empty();
  return r;
}

WaitResult LinuxKernel::wait_pid(pid_t tid) {
  if (auto r = take_reaped()) return *r;
  for (;;) {
    int status = 0;
    // __WNOTHREAD: only this thread's tracees, so children of the embedding program (e.g. a test harness
    // that forked the target) are never reaped behind its back.
    const pid_t got = waitpid(tid, &status, __WALL | __WNOTHREAD | WNOHANG);
    if (got > 0) return WaitResult::event(got, WaitStatus(status));
    if (got == 0) return WaitResult::nothing();
    if (errno == EINTR) continue;
    // ECHILD: for one tid, it is not (or no longer) a tracee of this thread; for any, there are none left.
    if (errno == ECHILD) return tid > 0 ? WaitResult::vanished(tid) : WaitResult::nothing();
    return WaitResult::failed(errno);
  }
}

WaitResult LinuxKernel::wait_for(pid_t tid) { return wait_pid(tid); }

WaitResult LinuxKernel::wait_any() { return wait_pid(-1); }

std::optional<int> LinuxKernel::drain_signals() {
  signalfd_siginfo info;
  while (signals_ && read(signals_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    if (info.ssi_signo != SIGCHLD) return static_cast<int>(info.ssi_signo);
    chld_pending_ = true;
  }
  return std::nullopt;
}

std::optional<int> LinuxKernel::termination_signal() { return drain_signals(); }

WaitResult LinuxKernel::sleep(Deadline deadline) {
  // Termination signals first: the user wants out, and the target must be let go at once. A SIGCHLD
  // already pending may predate the caller's last look; returning at once costs it one more look, while
  // blocking could miss a state change.
  if (auto sig = drain_signals()) return WaitResult::signalled(*sig);
  if (std::exchange(chld_pending_, false) || any_reaped_.load()) return WaitResult::woke();
  const auto now = std::chrono::steady_clock::now();
  if (now >= deadline) return WaitResult::deadline_passed();
  const auto slice = std::min<std::chrono::steady_clock::duration>(deadline - now, max_poll_slice);
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(slice).count();
  pollfd pfd{signals_.get(), POLLIN, 0};
  poll(&pfd, signals_ ? 1 : 0, static_cast<int>(ms));
  if (auto sig = drain_signals()) return WaitResult::signalled(*sig);
  if (std::exchange(chld_pending_, false) || any_reaped_.load()) return WaitResult::woke();
  if (std::chrono::steady_clock::now() >= deadline) return WaitResult::deadline_passed();
  return WaitResult::quiet_slice();
}

ThreadLiveness LinuxKernel::liveness(pid_t tid) {
  ThreadLiveness l;
  auto text = read_file(proc_path(tid, "status"));
  if (!text) return l;
  auto s = parse_status(*text);
  l.exists = true;
  if (s.state) l.state = *s.state;
  if (s.tracer_pid) l.tracer_pid = *s.tracer_pid;
  return l;
}

}  // namespace gmr::attach
