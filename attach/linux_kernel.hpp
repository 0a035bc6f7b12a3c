// The real Kernel: ptrace, /proc, and a signalfd that wakes the tracer on SIGCHLD (tracee state changes)
// and on SIGINT/SIGTERM/SIGHUP sent to gmr.
//
// Contract: construct, use and destroy it on the tracer thread, with SIGCHLD, SIGINT, SIGTERM and SIGHUP
// blocked in every thread of gmr (capture() arranges that), so they stay pending for the signalfd.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "attach/kernel.hpp"
#include "attach/base/unique_fd.hpp"

namespace gmr::attach {

/// Kernel quirk handled here: execve() from a non-leader thread holds the target's cred_guard_mutex while
/// de_thread() waits for every other thread to be released, and a traced thread that died is released only
/// when its tracer reaps it. PTRACE_SEIZE takes that mutex: a tracer blocked in it can never reap, and
/// both wait forever. So while a seize is in progress for more than a few milliseconds, a reaper thread of
/// gmr (waitpid works for tracees of any thread of the tracer's process) reaps this tracer's dead tracees
/// in that process, and wait() hands their exits to the caller like any other event.
class LinuxKernel final : public Kernel {
 public:
  LinuxKernel();
  ~LinuxKernel() override;
  LinuxKernel(const LinuxKernel&) = delete;
  LinuxKernel& operator=(const LinuxKernel&) = delete;

  std::vector<pid_t> list_threads(pid_t pid) override;
  int seize(pid_t tid) override;
  int interrupt(pid_t tid) override;
  int detach(pid_t tid, int signal) override;
  std::optional<pid_t> clone_child(pid_t tid) override;
  std::optional<user_regs_struct> registers(pid_t tid) override;
  WaitResult wait_for(pid_t tid) override;
  WaitResult wait_any() override;
  WaitResult sleep(Deadline deadline) override;
  std::optional<int> termination_signal() override;
  ThreadLiveness liveness(pid_t tid) override;
  pid_t tracer_id() const override { return tracer_tid_; }

 private:
  void reap_while_seizing();
  void reap_dead_tracees(pid_t pid);
  /// An exit the reaper thread took, if any: handed out before anything waitpid says.
  std::optional<WaitResult> take_reaped();
  /// waitpid(`tid`, WNOHANG) for this thread's tracees: -1 for any of them.
  WaitResult wait_pid(pid_t tid);
  /// Reads the signalfd up to the first termination signal, which it returns; a SIGCHLD read on the way
  /// sets chld_pending_.
  std::optional<int> drain_signals();

  UniqueFd signals_;
  bool chld_pending_ = false;           // a SIGCHLD was read from signals_ and no sleep() has returned since
  pid_t tracer_tid_;
  std::atomic<pid_t> process_{0};       // the process last listed: the thread being seized may be gone from /proc
  std::atomic<pid_t> seizing_{0};       // the thread a PTRACE_SEIZE is in progress for, 0 when none
  std::atomic<unsigned> seize_serial_{0};
  std::mutex mutex_;                    // guards reaped_ and stopping_
  std::condition_variable wake_;
  std::deque<WaitResult> reaped_;       // exits reaped by the reaper thread, not yet returned by a wait
  std::atomic<bool> any_reaped_{false}; // reaped_ is not empty: lets each wait skip the mutex
  bool stopping_ = false;
  std::thread reaper_;                  // last: starts once the rest exists
};

}  // namespace gmr::attach
