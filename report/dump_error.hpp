// Why one pid produced no report, as report/ renders it (the JSON "error" object; the text is the one
// "gmr: " line on stderr): attach/'s refusal (attach::AttachError), or a failure of gmr's own after the
// snapshot (the report could not be written, a bug). The CLI maps the kind to an exit code.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "attach/attach_error.hpp"

namespace gmr::report {

struct DumpError {
  enum class Kind {
    // attach::AttachErrorKind, one for one:
    no_such_process,
    permission_denied,
    already_traced,
    zombie,
    kernel_thread,
    self,
    not_a_process,
    interrupted,
    system,
    // after the snapshot:
    output,    // the report could not be written (stdout closed, disk full, no free file name)
    internal,  // a bug in gmr while building or rendering the report
  };

  pid_t pid = 0;
  Kind kind = Kind::internal;
  std::string message;                // one line without "gmr: ", names the pid and the cause
  std::optional<int> errno_value;     // when a system call failed
  std::optional<pid_t> tracer_pid;    // already_traced: who traces it
  std::optional<pid_t> process_pid;   // not_a_process: the process the thread id belongs to
  std::optional<int> signal;          // interrupted: the signal gmr received

  /// attach/ made no snapshot of `pid`.
  static DumpError refused(pid_t pid, attach::AttachError error) {
    return DumpError{pid,
                     kind_of(error.kind),
                     std::move(error.message),
                     error.errno_value,
                     error.tracer_pid,
                     error.process_pid,
                     error.signal};
  }
  static DumpError output_failed(pid_t pid, std::string message, std::optional<int> errno_value = {}) {
    return DumpError{pid, Kind::output, std::move(message), errno_value, {}, {}, {}};
  }
  static DumpError internal_error(pid_t pid, std::string message) {
    return DumpError{pid, Kind::internal, std::move(message), {}, {}, {}, {}};
  }

 private:
  static constexpr Kind kind_of(attach::AttachErrorKind kind) {
    using A = attach::AttachErrorKind;
    switch (kind) {
      case A::no_such_process: return Kind::no_such_process;
      case A::permission_denied: return Kind::permission_denied;
      case A::already_traced: return Kind::already_traced;
      case A::zombie: return Kind::zombie;
      case A::kernel_thread: return Kind::kernel_thread;
      case A::self: return Kind::self;
      case A::not_a_process: return Kind::not_a_process;
      case A::interrupted: return Kind::interrupted;
      case A::system: return Kind::system;
    }
    return Kind::system;
  }
};

}  // namespace gmr::report
