// build_report(): turn a Snapshot into a Report — unwind every frozen thread offline with libdwfl, name
// every frame, and fill the Package and Processes sections. Reads files (ELF, DWARF, sources, dpkg's
// database) but never the live process: the target has been let go before this runs.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "attach/snapshot.hpp"
#include "report/report.hpp"

namespace gmr::report {

struct BuildOptions {
  std::size_t max_frames = 256;  // per thread, counting inlined frames
  bool source_lines = true;      // read the text of each frame's source line when the file is readable
  std::string config_symbol = "gmr_config";
  bool show_secrets = false;     // --show-secrets: no masking (the report says so)
  std::vector<std::regex> mask_keys = {};  // --mask: more key patterns to mask
  // Only these threads are unwound and reported (the whole process is still frozen at one instant, and
  // `consistent` still speaks for all of it). Absent: every thread.
  std::optional<std::vector<pid_t>> threads = {};
};

report::Report build_report(const attach::Snapshot& snapshot, const BuildOptions& options);

}  // namespace gmr::report
