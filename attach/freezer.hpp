// The freeze state machine: seize and interrupt every thread first, then wait for their stops against one
// deadline. Talks to the kernel only through `Kernel`, so unit tests script every race.
//
// Protocol: PTRACE_SEIZE(+TRACECLONE) + PTRACE_INTERRUPT on every
// thread in /proc/PID/task, rescanned until a pass finds nothing new (threads created later are
// auto-attached by TRACECLONE); stops classified by kind; a raced signal is kept for release; a thread
// that has not stopped by the deadline stays "not frozen".
#pragma once

#include <sys/types.h>

#include <chrono>
#include <expected>
#include <map>
#include <optional>
#include <set>

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

  /// When the first PTRACE_INTERRUPT went out: the start of the stop window.
  std::optional<std::chrono::steady_clock::time_point> first_interrupt() const { return first_interrupt_; }

  /// Lets every stopped thread go (handing back raced signals). Idempotent.
  void release();

 private:
  std::expected<void, AttachError> seize_all();
  std::expected<void, AttachError> seize_one(pid_t tid);
  std::expected<void, AttachError> wait_for_stops(Deadline deadline);
  void on_event(pid_t tid, WaitStatus status);
  ThreadAttachment& hold(pid_t tid);
  bool all_settled() const;

  Kernel& kernel_;
  pid_t pid_;
  std::map<pid_t, ThreadAttachment> threads_;
  std::set<pid_t> gone_;  // tids seen in /proc that vanished before they could be seized
  std::optional<std::chrono::steady_clock::time_point> first_interrupt_;
};

}  // namespace gmr::attach
