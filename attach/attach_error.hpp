// Why a snapshot could not be made at all. Expected failures are values; the CLI maps `kind` to an exit code.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

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

/// The stable name of a kind, as it appears in the JSON "error.kind" (gmr(1), the JSON schema): never
/// renamed; a new kind gets a new name.
constexpr std::string_view kind_name(AttachErrorKind kind) {
  switch (kind) {
    case AttachErrorKind::no_such_process: return "no_such_process";
    case AttachErrorKind::permission_denied: return "permission_denied";
    case AttachErrorKind::already_traced: return "already_traced";
    case AttachErrorKind::zombie: return "zombie";
    case AttachErrorKind::kernel_thread: return "kernel_thread";
    case AttachErrorKind::self: return "self";
    case AttachErrorKind::not_a_process: return "not_a_process";
    case AttachErrorKind::interrupted: return "interrupted";
    case AttachErrorKind::system: return "system";
  }
  return "system";
}

struct AttachError {
  AttachErrorKind kind = AttachErrorKind::system;
  std::string message;                // one line, names the pid and the cause
  std::optional<int> errno_value;
  std::optional<pid_t> tracer_pid;    // already_traced
  std::optional<pid_t> process_pid;   // not_a_process: the thread group it belongs to
  std::optional<int> signal;          // interrupted: the signal gmr received
};

}  // namespace gmr::attach
