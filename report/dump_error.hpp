// Why one pid produced no report, as report/ renders it (the JSON "error" object; the text is the one
// "gmr: " line on stderr). The CLI fills it from attach::AttachError or from its own failures.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace gmr::report {

struct DumpError {
  pid_t pid = 0;
  std::string kind;                   // stable snake_case, listed in gmr(1) and the schema: "no_such_process"…
  std::string message;                // the same line as on stderr, without "gmr: "
  std::optional<int> errno_value;     // when a system call failed
  std::optional<pid_t> tracer_pid;    // already_traced: who traces it
  std::optional<pid_t> process_pid;   // not_a_process: the process the thread id belongs to
  std::optional<int> signal;          // interrupted: the signal gmr received
};

}  // namespace gmr::report
