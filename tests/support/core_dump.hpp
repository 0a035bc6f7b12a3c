// Test support for gmr's core files through the real binary: a dump that also writes a core, and the
// golden comparison of `gmr report` on that core with the dump's own report.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace gmr::test {

/// `gmr dump --format FORMAT --core CORE [extra…] PID`, required to exit 0.
RunResult dump_with_core(pid_t pid, const std::string& format, const std::string& core,
                         const std::vector<std::string>& extra = {});

/// `gmr dump --core` of `pid` into a core under `dir`, then `gmr report` of that core, both in `format` and
/// with `extra` options: the report's output and exit code must be the dump's, with nothing on stderr.
void check_core_report_equals_dump(pid_t pid, const std::string& format, const std::filesystem::path& dir,
                                   const std::vector<std::string>& extra = {});

}  // namespace gmr::test
