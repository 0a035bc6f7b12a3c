// Why a snapshot could not be made at all. Expected failures are values; report/dump_error.hpp carries the
// kind into the report (its JSON name is the renderer's), the CLI maps it to an exit code.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace gmr::attach {

enum class AttachErrorKind {
  no_such_process,    // no /proc/PID, or every thread vanished before it could be seized
  permission_denied,  // ptrace refused: the message names the cause (uid, CAP_SYS_PTRACE, Yama, dumpable)
  already_traced,     // another tracer holds it (tracer_pid says who)
  zombie,             // exited, not yet reaped: nothing left to unwind
  kernel_thread,      // no user space to dump
  self,               // gmr's own process
  not_a_process,      // a thread id that is not a thread-group leader
  interrupted,        // gmr got SIGINT/SIGTERM/SIGHUP while attaching; the target was let go first
  system,             // anything else the kernel refused (message has the call and errno)
};

struct AttachError {
  AttachErrorKind kind = AttachErrorKind::system;
  std::string message;                // one line, names the pid and the cause
  std::optional<int> errno_value;
  std::optional<pid_t> tracer_pid;    // already_traced
  std::optional<pid_t> process_pid;   // not_a_process: the thread group it belongs to
  std::optional<int> signal;          // interrupted: the signal gmr received
};

}  // namespace gmr::attach
