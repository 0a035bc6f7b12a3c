// Reading the target's /proc files. Every read may fail because the process or thread went away;
// failures are empty optionals, never exceptions.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "attach/snapshot.hpp"

namespace gmr::attach {

/// Whole file, read until EOF (procfs files report size 0). Empty optional when it cannot be opened or read.
std::optional<std::string> read_file(const std::string& path);

std::string task_path(pid_t pid, pid_t tid);  // "/proc/PID/task/TID"

/// Thread ids in /proc/PID/task, ascending; empty when the process is gone.
std::vector<pid_t> read_thread_ids(pid_t pid);

/// name, state, CPU times, wchan, syscall — what can be read; `tid` always set.
ThreadFacts read_thread_facts(pid_t pid, pid_t tid);

/// /proc/PID/maps, sorted by address; empty when unreadable.
std::vector<Mapping> read_maps(pid_t pid);

/// readlink /proc/PID/exe with a " (deleted)" suffix stripped (`deleted` tells whether it was there).
std::optional<std::string> read_executable(pid_t pid, bool* deleted = nullptr);

/// Whether `pid` has gmr's root directory and mount namespace (see Snapshot::shares_gmr_root).
bool shares_root_with_self(pid_t pid);

/// The target and all its descendants, depth-first, children in pid order.
std::vector<ProcessFacts> read_process_tree(pid_t pid);

}  // namespace gmr::attach
