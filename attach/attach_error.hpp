// attach/'s failures, as values: why no snapshot could be made at all (AttachError; report/dump_error.hpp
// turns it into the report's error, the CLI into an exit code), and why part of one frozen thread is
// missing from a snapshot that was made (ThreadCopyError; the thread is still reported, partial).
#pragma once

#include <sys/types.h>

#include <cstdint>
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

/// Why a frozen thread's registers or stack are missing from the Snapshot.
struct ThreadCopyError {
  enum class Kind {
    no_registers,        // PTRACE_GETREGSET failed (the thread was killed while frozen?)
    stack_not_captured,  // the stack pointer `address` is in no mapping: no stack copied
    stack_unreadable,    // process_vm_readv of the stack failed with `errno_value`
  };
  Kind kind = Kind::no_registers;
  std::optional<int> errno_value = {};
  std::optional<std::uint64_t> address = {};
};

}  // namespace gmr::attach
