#include "attach/base/proc_path.hpp"

#include <cinttypes>
#include <cstdio>

namespace gmr::attach {

std::string proc_path(pid_t pid) { return "/proc/" + std::to_string(pid); }

std::string proc_path(pid_t pid, std::string_view entry) {
  std::string path = proc_path(pid);
  path += '/';
  path += entry;
  return path;
}

std::string task_path(pid_t pid, pid_t tid) { return proc_path(pid) + "/task/" + std::to_string(tid); }

std::string task_path(pid_t pid, pid_t tid, std::string_view entry) {
  std::string path = task_path(pid, tid);
  path += '/';
  path += entry;
  return path;
}

std::string map_files_path(pid_t pid, std::uint64_t start, std::uint64_t end) {
  char range[40];
  std::snprintf(range, sizeof range, "%" PRIx64 "-%" PRIx64, start, end);
  return proc_path(pid, "map_files/") + range;
}

}  // namespace gmr::attach
