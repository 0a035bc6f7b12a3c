// Reading the target's /proc files. Every read may fail because the process or thread went away;
// failures are empty optionals, never exceptions. The file reader and the /proc path names themselves are in
// attach/base (read_file.hpp, proc_path.hpp).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "attach/base/proc_path.hpp"
#include "attach/base/read_file.hpp"
#include "attach/snapshot.hpp"

namespace gmr::attach {

/// Thread ids in /proc/PID/task, ascending; empty when the process is gone.
std::vector<pid_t> read_thread_ids(pid_t pid);

/// name, state, CPU times, wchan, syscall — what can be read; `tid` always set.
ThreadFacts read_thread_facts(pid_t pid, pid_t tid);

/// /proc/PID/maps, sorted by address; empty when unreadable.
Maps read_maps(pid_t pid);

/// readlink /proc/PID/exe with a " (deleted)" suffix stripped (`deleted` tells whether it was there).
std::optional<std::string> read_executable(pid_t pid, bool* deleted = nullptr);

/// Whether `pid` has gmr's root directory and mount namespace (see Snapshot::shares_gmr_root).
bool shares_root_with_self(pid_t pid);

/// The target and all its descendants, depth-first, children in pid order.
std::vector<ProcessFacts> read_process_tree(pid_t pid);

}  // namespace gmr::attach
