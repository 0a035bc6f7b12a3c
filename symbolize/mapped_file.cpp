#include "symbolize/mapped_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdio>
#include <vector>

namespace gmr::symbolize {
namespace {

std::string map_files_path(pid_t pid, const attach::Mapping& mapping) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "/proc/%d/map_files/%llx-%llx", static_cast<int>(pid),
                static_cast<unsigned long long>(mapping.start), static_cast<unsigned long long>(mapping.end));
  return buf;
}

std::vector<std::string> candidate_paths(const attach::Snapshot& snapshot, const attach::Mapping& mapping) {
  std::vector<std::string> paths;
  if (!mapping.deleted) {
    paths.push_back("/proc/" + std::to_string(snapshot.pid) + "/root" + mapping.path);
    paths.push_back(mapping.path);
    // A chroot inside a private mount namespace: the maps path is the file's path in the target's mount
    // namespace, reachable neither way. map_files opens the mapped file itself (needs CAP_SYS_ADMIN or
    // CAP_CHECKPOINT_RESTORE; it names no path, so it comes last). Valid only while the mapping exists:
    // build_report runs right after the capture.
    paths.push_back(map_files_path(snapshot.pid, mapping));
  } else {
    if (snapshot.exe_deleted && snapshot.exe_path == mapping.path)
      paths.push_back("/proc/" + std::to_string(snapshot.pid) + "/exe");
    paths.push_back(map_files_path(snapshot.pid, mapping));
  }
  return paths;
}

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

}  // namespace

std::optional<OpenedFile> open_mapped_file(const attach::Snapshot& snapshot, const attach::Mapping& mapping) {
  std::optional<OpenedFile> fallback;
  for (const std::string& path : candidate_paths(snapshot, mapping)) {
    // stat first: opening a mapped character device may block or have side effects.
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    UniqueFd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (!fd.valid()) continue;
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) continue;

    // Name the file by its plain path when that is the very same file, so that libdwfl's debuglink search
    // looks next to it and under /usr/lib/debug<dir>.
    std::string name = path;
    struct stat plain{};
    if (path != mapping.path && !mapping.deleted && ::stat(mapping.path.c_str(), &plain) == 0 && same_file(st, plain))
      name = mapping.path;

    OpenedFile opened{std::move(fd), std::move(name)};
    if (mapping.inode == 0 || st.st_ino == mapping.inode) return opened;
    if (!fallback) fallback = std::move(opened);
  }
  return fallback;
}

}  // namespace gmr::symbolize
