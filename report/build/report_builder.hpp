// build_report(): turn a Snapshot into a Report — unwind every frozen thread offline with libdwfl, name
// every frame, and fill the Package and Processes sections. Reads files (ELF, DWARF, sources, dpkg's
// database) but never the live process: the target has been let go before this runs. A dump builds with
// the libdwfl session it planned the known symbols with (report/build/dump_session.hpp).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "attach/snapshot.hpp"
#include "report/build/python_reading.hpp"
#include "report/report.hpp"
#include "symbolize/snapshot_dwfl.hpp"

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
  // gmr's cache directory: the frame cache (symbolize/frame_cache.hpp) and dpkg's answers
  // (package_info_cache.hpp); absent: no cache (--no-cache).
  std::optional<std::string> cache_dir = {};
};

/// Called once for each thread of the snapshot the build has done with the stack copies of (unwound,
/// its wait classified); nothing reads them afterwards.
using StacksDone = std::function<void(const attach::ThreadSnapshot& thread)>;

/// With `session`, which has been handed `snapshot` (SnapshotDwfl::attach); when libdwfl could not start
/// one, `session` says why, and frozen threads carry that as their error. `python`: what was read of the
/// target's Python interpreter, if anything (its notes go to the report's notes).
report::Report build_report(const attach::Snapshot& snapshot, symbolize::OpenedSession& session,
                            const BuildOptions& options, const PythonReading& python = {},
                            const StacksDone& stacks_done = {});

/// With a session of its own over the snapshot's files, opened as the live process `snapshot` was taken
/// from shows them (attach::LiveFiles).
report::Report build_report(const attach::Snapshot& snapshot, const BuildOptions& options);

}  // namespace gmr::report
