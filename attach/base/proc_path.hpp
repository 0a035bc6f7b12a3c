// Paths of a process's files under /proc, spelled in one place.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace gmr::attach {

/// "/proc/PID".
std::string proc_path(pid_t pid);

/// "/proc/PID/ENTRY", e.g. proc_path(pid, "maps"), proc_path(pid, "ns/mnt").
std::string proc_path(pid_t pid, std::string_view entry);

/// "/proc/PID/task/TID".
std::string task_path(pid_t pid, pid_t tid);

/// "/proc/PID/task/TID/ENTRY", e.g. task_path(pid, tid, "stat").
std::string task_path(pid_t pid, pid_t tid, std::string_view entry);

/// "/proc/PID/map_files/START-END" with the bounds in lowercase hex without "0x", as the kernel names them.
std::string map_files_path(pid_t pid, std::uint64_t start, std::uint64_t end);

}  // namespace gmr::attach
