// A tracee's wait(2) status, decoded in one place: what happened to the thread, by name.
//
// The kernel packs a status into an int (exit code or signal in the low bits, the stop signal in bits
// 8-15, a PTRACE_EVENT_* number in bits 16-23). Only this type reads or writes that encoding; the
// freezer asks kind(), and test kernels build statuses with the named constructors, so both sides speak
// through the same decoding.
#pragma once

#include <optional>

namespace gmr::attach {

class WaitStatus {
 public:
  enum class Kind {
    exited,          // WIFEXITED: the thread is gone
    killed,          // WIFSIGNALED: the thread is gone, killed by a signal
    interrupt_stop,  // PTRACE_EVENT_STOP with SIGTRAP: stopped by PTRACE_INTERRUPT, or a new thread's first stop
    group_stop,      // PTRACE_EVENT_STOP with a stop signal: the process was (or is being) group-stopped
    clone_event,     // PTRACE_EVENT_CLONE: the thread created a thread (its tid: PTRACE_GETEVENTMSG)
    other_event,     // any other PTRACE_EVENT_* stop (the freezer requests none)
    signal_stop,     // signal-delivery-stop: a signal raced the interrupt; it must be handed back
    other,           // continued, or not a status the kernel reports to a ptrace tracer
  };

  constexpr WaitStatus() = default;
  /// Wraps a status as waitpid(2) stored it.
  constexpr explicit WaitStatus(int raw) : raw_(raw) {}

  static WaitStatus for_exit(int code);
  static WaitStatus for_fatal_signal(int signal);
  /// A PTRACE_EVENT_STOP with `signal`: SIGTRAP for an interrupt, a stop signal for a group-stop.
  static WaitStatus for_event_stop(int signal);
  static WaitStatus for_clone_event();
  static WaitStatus for_signal_stop(int signal);

  Kind kind() const;
  int raw() const { return raw_; }
  /// The signal a signal_stop carries (also the signal of an event stop); absent for anything but stops.
  std::optional<int> stop_signal() const;

  friend bool operator==(WaitStatus, WaitStatus) = default;

 private:
  int raw_ = 0;
};

}  // namespace gmr::attach
