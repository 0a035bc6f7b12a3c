// The freeze state machine: seize every thread, interrupt each, and wait for their stops against one
// deadline. Talks to the kernel only through `Kernel`, so unit tests script every race.
//
// Protocol: PTRACE_SEIZE(+TRACECLONE) on every thread in /proc/PID/task, rescanned until a pass finds
// nothing new (threads created later are auto-attached by TRACECLONE); then PTRACE_INTERRUPT on each in
// seize order, the stops already in taken between interrupts; stops classified by kind; a raced signal is
// kept for release; a thread that has not stopped by the deadline stays "not frozen". A seized thread keeps
// running until it is interrupted, so seizing and rescanning happen before the target is held.
//
// Cost contract: the work while the target is held is linear in its threads. Each held thread is asked for
// its own stop (Kernel::wait_for, O(1) in the kernel) once, in the order it was seized, plus at most one ask
// per interrupt and per wake-up from sleep that finds the front not stopped yet; the kernel's walk over
// every tracee (Kernel::wait_any) happens only when every thread still waited for has gone quiet, never per
// thread; no step scans all threads per event. Threads are let go in the order they were seized.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <expected>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "attach/attach_error.hpp"
#include "attach/kernel.hpp"
#include "attach/thread_attachment.hpp"

namespace gmr::attach {

class Freezer {
 public:
  Freezer(Kernel& kernel, pid_t pid) : kernel_(kernel), pid_(pid) {}
  ~Freezer() { release(); }
  Freezer(const Freezer&) = delete;
  Freezer& operator=(const Freezer&) = delete;

  /// Seizes every thread and waits until each has stopped or exited, or until `deadline`. An error means
  /// nothing useful is held (the destructor still lets go of whatever was seized). Threads still running
  /// at the deadline are not an error: they show as held but not stopped.
  std::expected<void, AttachError> freeze(Deadline deadline);

  /// Every thread seized, by tid (exited ones included, marked).
  const std::map<pid_t, ThreadAttachment>& threads() const { return threads_; }

  /// The start of the stop window: when the first PTRACE_INTERRUPT went out — or the first PTRACE_SEIZE when
  /// a thread stopped on its own (a signal, a clone, a group-stop), which may have happened before that.
  std::optional<std::chrono::steady_clock::time_point> held_since() const {
    return stopped_on_its_own_ ? first_seize_ : first_interrupt_;
  }

  /// Lets every stopped thread go (handing back raced signals), in the order they were seized. Idempotent.
  void release();

 private:
  std::expected<void, AttachError> seize_all();
  std::expected<void, AttachError> seize_one(pid_t tid);
  /// PTRACE_INTERRUPT on each seized thread, in seize order, taking the stops already in as it goes.
  std::expected<void, AttachError> interrupt_all();
  /// Takes the stops of threads at the front of waiting_, up to `newest` (interrupted a moment ago, so not
  /// asked yet), until one has nothing to report.
  std::expected<void, AttachError> take_stopped_front(pid_t newest);
  std::expected<void, AttachError> wait_for_stops(Deadline deadline);
  /// Takes every event any tracee has pending (Kernel::wait_any). Whether there was one, or an error.
  std::expected<bool, AttachError> take_any_events();
  void on_event(pid_t tid, WaitStatus status);
  ThreadAttachment& hold(pid_t tid);
  static bool settled(const ThreadAttachment& thread) { return thread.stopped() || thread.exited(); }

  Kernel& kernel_;
  pid_t pid_;
  std::map<pid_t, ThreadAttachment> threads_;  // map nodes never move: order_ points into them
  std::vector<ThreadAttachment*> order_;        // every thread held, in the order it was seized or learned of
  std::deque<pid_t> waiting_;                   // held threads not known to be settled, in that order
  std::vector<pid_t> seized_;                   // threads this freezer seized, in order: each is interrupted
  std::set<pid_t> gone_;  // tids seen in /proc that vanished before they could be seized
  std::optional<std::chrono::steady_clock::time_point> first_seize_, first_interrupt_;
  bool stopped_on_its_own_ = false;             // a stop other than gmr's interrupt was reported
};

}  // namespace gmr::attach
