// Test support: dumping a process in-process (capture + build_report) and reading a Report's frames.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "attach/capture.hpp"
#include "report/report.hpp"

namespace gmr::test {

/// capture(pid, {}) then build_report(snapshot, {}). Throws std::runtime_error with capture's message when
/// capture fails.
report::Report dump_in_process(pid_t pid);
/// capture(pid, {}); throws on failure.
attach::Snapshot capture_or_throw(pid_t pid);

/// The last path component ("" for an absent optional).
std::string basename_of(const symbolize::SharedText& path);

/// The thread named `name` in the report; nullptr when there is none.
const report::Thread* find_thread(const report::Report& report, std::string_view name);
/// The thread with id `tid` in the report; nullptr when there is none.
const report::Thread* find_thread(const report::Report& report, pid_t tid);

/// One line per frame, for failure messages: "#3 0x… [inlined] function (module) file:line".
std::string describe_frames(const report::Thread& thread);

}  // namespace gmr::test
