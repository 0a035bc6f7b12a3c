#include "attach/wait_status.hpp"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

namespace gmr::attach {
namespace {

// Bits 8-15 hold the stop signal of a stop, bits 16-23 the PTRACE_EVENT_* number; 0x7f marks a stop.
constexpr int stopped_marker = 0x7f;

int stop(int signal, int event) { return (event << 16) | ((signal & 0xff) << 8) | stopped_marker; }

bool is_stop_signal(int sig) { return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU; }

}  // namespace

WaitStatus WaitStatus::for_exit(int code) { return WaitStatus((code & 0xff) << 8); }
WaitStatus WaitStatus::for_fatal_signal(int signal) { return WaitStatus(signal & 0x7f); }
WaitStatus WaitStatus::for_event_stop(int signal) { return WaitStatus(stop(signal, PTRACE_EVENT_STOP)); }
WaitStatus WaitStatus::for_clone_event() { return WaitStatus(stop(SIGTRAP, PTRACE_EVENT_CLONE)); }
WaitStatus WaitStatus::for_signal_stop(int signal) { return WaitStatus(stop(signal, 0)); }

WaitStatus::Kind WaitStatus::kind() const {
  if (WIFEXITED(raw_)) return Kind::exited;
  if (WIFSIGNALED(raw_)) return Kind::killed;
  if (!WIFSTOPPED(raw_)) return Kind::other;
  const int event = (raw_ >> 16) & 0xff;
  switch (event) {
    case 0:
      return Kind::signal_stop;
    case PTRACE_EVENT_STOP:
      return is_stop_signal(WSTOPSIG(raw_)) ? Kind::group_stop : Kind::interrupt_stop;
    case PTRACE_EVENT_CLONE:
      return Kind::clone_event;
    default:
      return Kind::other_event;
  }
}

std::optional<int> WaitStatus::stop_signal() const {
  if (!WIFSTOPPED(raw_)) return std::nullopt;
  return WSTOPSIG(raw_);
}

}  // namespace gmr::attach
