// A target's layout: its mappings and how gmr reaches the files behind them. Read just before the freeze
// (read_layout), it is what a libdwfl session needs to find symbols in the target's files while the
// target still runs; a Snapshot carries the same facts as they were while frozen (layout_of).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "attach/process_connection.hpp"
#include "attach/snapshot.hpp"

namespace gmr::attach {

struct ProcessLayout {
  pid_t pid = 0;
  Maps maps;                            // empty when unreadable (the process is gone)
  std::optional<std::string> exe_path;  // readlink /proc/PID/exe, " (deleted)" stripped
  bool exe_deleted = false;
  bool shares_gmr_root = false;         // see Snapshot::shares_gmr_root
};

ProcessLayout read_layout(ProcessConnection& process);
/// read_layout() of the live process `pid`.
ProcessLayout read_layout(pid_t pid);

/// The layout a Snapshot recorded: its frozen maps, executable and root.
ProcessLayout layout_of(const Snapshot& snapshot);

}  // namespace gmr::attach
