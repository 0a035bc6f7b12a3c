// The ptrace side of the process boundary (attach/process_connection.hpp opens one per capture): everything
// the freeze state machine asks of the kernel.
//
// LinuxKernel is the real thing; tests drive the state machine with a scripted fake (thread gone, signal
// raced, EPERM…). Contract: every call is made from the one tracer thread; errors are returned as errno
// values, never thrown.
#pragma once

#include <sys/types.h>
#include <sys/user.h>

#include <chrono>
#include <optional>
#include <vector>

#include "attach/wait_status.hpp"

namespace gmr::attach {

using Deadline = std::chrono::steady_clock::time_point;

/// What looking for, or waiting for, a tracee's state change produced.
struct WaitResult {
  enum class Kind {
    event,     // a tracee changed state: `tid`, `status`
    none,      // wait_for / wait_any: nothing to report yet
    gone,      // wait_for: `tid` is no longer a tracee of this tracer (reaped, or its tid taken by an exec)
    woken,     // sleep: a tracee may have changed state (SIGCHLD came, or the kernel reaped one for gmr)
    quiet,     // sleep: a short time slice passed with no sign of any change
    deadline,  // sleep: the deadline passed
    signal,    // SIGINT, SIGTERM or SIGHUP was sent to gmr: `signal`
    error,     // waiting itself failed (waitpid: EINVAL…): `error` is the errno; not a timeout
  };
  Kind kind = Kind::none;
  pid_t tid = 0;
  WaitStatus status;
  int signal = 0;
  int error = 0;

  static WaitResult event(pid_t tid, WaitStatus status) { return {Kind::event, tid, status, 0, 0}; }
  static WaitResult nothing() { return {Kind::none, 0, WaitStatus(), 0, 0}; }
  static WaitResult vanished(pid_t tid) { return {Kind::gone, tid, WaitStatus(), 0, 0}; }
  static WaitResult woke() { return {Kind::woken, 0, WaitStatus(), 0, 0}; }
  static WaitResult quiet_slice() { return {Kind::quiet, 0, WaitStatus(), 0, 0}; }
  static WaitResult deadline_passed() { return {Kind::deadline, 0, WaitStatus(), 0, 0}; }
  static WaitResult signalled(int signal) { return {Kind::signal, 0, WaitStatus(), signal, 0}; }
  static WaitResult failed(int error) { return {Kind::error, 0, WaitStatus(), 0, error}; }
};

/// /proc/TID/status facts that tell why a seize failed.
struct ThreadLiveness {
  bool exists = false;
  char state = '?';           // Z or X: gone
  pid_t tracer_pid = 0;       // TracerPid
};

class Kernel {
 public:
  virtual ~Kernel() = default;

  /// Thread ids in /proc/PID/task; empty when the process is gone.
  virtual std::vector<pid_t> list_threads(pid_t pid) = 0;
  /// PTRACE_SEIZE with PTRACE_O_TRACECLONE. 0 or errno.
  virtual int seize(pid_t tid) = 0;
  /// PTRACE_INTERRUPT. 0 or errno.
  virtual int interrupt(pid_t tid) = 0;
  /// PTRACE_DETACH delivering `signal` (0 for none). Only valid on a thread in a ptrace stop. 0 or errno.
  virtual int detach(pid_t tid, int signal) = 0;
  /// PTRACE_GETEVENTMSG after PTRACE_EVENT_CLONE: the new thread's id.
  virtual std::optional<pid_t> clone_child(pid_t tid) = 0;
  /// PTRACE_GETREGSET NT_PRSTATUS.
  virtual std::optional<user_regs_struct> registers(pid_t tid) = 0;
  /// The state change `tid` has to report, without waiting: an event (possibly of another tracee, when one
  /// was reaped on the tracer's behalf), `none`, `gone`, or `error`. Costs O(1) in the kernel: a waitpid for
  /// one tid looks that task up directly (kernel/exit.c do_wait_pid, since 2021).
  virtual WaitResult wait_for(pid_t tid) = 0;
  /// The state change of any tracee, without waiting: an event, `none`, or `error`. The kernel walks the
  /// tracer's whole list of tracees on every such call (O(threads)): only for when every thread still waited
  /// for has stopped answering, never once per thread.
  virtual WaitResult wait_any() = 0;
  /// Sleeps until a tracee may have changed state (`woken`: SIGCHLD), a short time slice passes without
  /// that (`quiet`), the deadline passes (`deadline`), or SIGINT/SIGTERM/SIGHUP is sent to gmr (`signal`,
  /// checked first).
  virtual WaitResult sleep(Deadline deadline) = 0;
  /// SIGINT, SIGTERM or SIGHUP sent to gmr and not yet reported, without waiting (it is reported once).
  virtual std::optional<int> termination_signal() = 0;
  virtual ThreadLiveness liveness(pid_t tid) = 0;
  /// The id TracerPid shows for threads this tracer holds (the tracer thread's tid).
  virtual pid_t tracer_id() const = 0;
};

}  // namespace gmr::attach
