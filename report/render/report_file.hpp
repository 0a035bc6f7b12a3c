// Report files for --output-dir, named like oslo.reports' log_dir files, with the pid added (the workers
// of one service share a program name and are often dumped in the same second):
//   DIR/<program>_<pid>_gurumeditation_<YYYYmmddHHMMSS>[.N][<extension>]
// with the capture time in UTC. An existing file is never overwritten or followed (O_CREAT|O_EXCL): when
// the name is taken, ".1", ".2"… up to ".999" are tried, before the extension.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <expected>
#include <functional>
#include <ostream>
#include <optional>
#include <string>
#include <string_view>

#include "report/report.hpp"

namespace gmr::report {

/// The <program> part: program_name() (report/render/program_name.hpp), else "pid<PID>"; bytes other
/// than ASCII letters, digits, '.', '_', '+', '-' become '_' (a leading '.' too: no hidden files).
std::string report_program_name(const Report& report);

/// "<program>_<pid>_gurumeditation_<YYYYmmddHHMMSS>" + (attempt > 0 ? "." + attempt : "") + extension.
std::string report_file_name(std::string_view program, pid_t pid, std::chrono::system_clock::time_point time,
                             std::string_view extension, unsigned attempt = 0);

struct FileError {
  std::string message;  // names the path and the cause
  std::optional<int> errno_value;
};

/// Creates a new file in `directory` named report_file_name(program, pid, time, extension, attempt) for
/// the first free attempt, with mode 0600 (reports hold command lines), and writes `content` to it.
/// Returns the path written. On a write error the new file is removed.
std::expected<std::string, FileError> write_report_file(const std::string& directory, std::string_view program,
                                                        pid_t pid, std::chrono::system_clock::time_point time,
                                                        std::string_view extension, std::string_view content);

/// The same, the content written by `write` to a stream over the new file as it goes: a report is never
/// held whole to be written (a file's failed write ends the stream, and the file is removed).
using ContentWriter = std::function<void(std::ostream&)>;
std::expected<std::string, FileError> write_report_file(const std::string& directory, std::string_view program,
                                                        pid_t pid, std::chrono::system_clock::time_point time,
                                                        std::string_view extension, const ContentWriter& write);

}  // namespace gmr::report
