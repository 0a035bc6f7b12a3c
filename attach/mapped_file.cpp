#include "attach/mapped_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "attach/base/open_in_root.hpp"
#include "attach/base/proc_path.hpp"

namespace gmr::attach {
namespace {

struct Candidate {
  std::string path;     // what is opened (and named, unless the plain path is the same file)
  bool in_root = false; // resolve `path` inside /proc/PID/root instead of gmr's own root
};

std::vector<Candidate> candidates(const attach::ProcessLayout& snapshot, const attach::Mapping& mapping) {
  std::vector<Candidate> out;
  if (!mapping.deleted) {
    out.push_back({mapping.path, true});
    // A path named by the target means the same file to gmr only when they share a root and mount namespace.
    if (snapshot.shares_gmr_root) out.push_back({mapping.path, false});
    // A chroot inside a private mount namespace: the maps path may lead nowhere from outside. map_files opens
    // the mapped file itself (needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE); valid while the mapping exists.
    out.push_back({map_files_path(snapshot.pid, mapping.start, mapping.end), false});
  } else {
    if (snapshot.exe_deleted && snapshot.exe_path == mapping.path)
      out.push_back({proc_path(snapshot.pid, "exe"), false});
    out.push_back({map_files_path(snapshot.pid, mapping.start, mapping.end), false});
  }
  return out;
}

/// Opens `c` as a regular file, or nothing: an O_PATH open first (no side effects, never blocks on a FIFO
/// or device), then a read-only reopen of that very file. In-root paths resolve with RESOLVE_IN_ROOT, so an
/// absolute symlink in a container leads to the container's file, never to gmr's.
UniqueFd open_regular(pid_t pid, const Candidate& c, struct stat& st) {
  UniqueFd path_fd;
  if (c.in_root) {
    UniqueFd root = open_process_root(pid);
    if (!root.valid()) return {};
    path_fd = open_resolved_in_root(root.get(), c.path, O_PATH);
  } else {
    path_fd.reset(::open(c.path.c_str(), O_PATH | O_CLOEXEC));
  }
  if (!path_fd.valid() || ::fstat(path_fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return {};
  return UniqueFd{::open(("/proc/self/fd/" + std::to_string(path_fd.get())).c_str(), O_RDONLY | O_CLOEXEC)};
}

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

}  // namespace

std::optional<OpenedFile> open_mapped_file(const attach::ProcessLayout& snapshot, const attach::Mapping& mapping) {
  std::optional<OpenedFile> fallback;
  for (const Candidate& c : candidates(snapshot, mapping)) {
    struct stat st{};
    UniqueFd fd = open_regular(snapshot.pid, c, st);
    if (!fd.valid()) continue;

    // Name the file by its plain path when that is the very same file, so that libdwfl's debuglink search
    // looks next to it and under /usr/lib/debug<dir>; a container's file by its path through the
    // target's root, so that the search stays in the container.
    std::string name = c.in_root ? proc_path(snapshot.pid, "root") + c.path : c.path;
    struct stat plain{};
    if (snapshot.shares_gmr_root && !mapping.deleted && ::stat(mapping.path.c_str(), &plain) == 0 && same_file(st, plain))
      name = mapping.path;

    OpenedFile opened{std::move(fd), std::move(name)};
    if (mapping.inode == 0 || st.st_ino == mapping.inode) return opened;
    if (!fallback) fallback = std::move(opened);
  }
  return fallback;
}

}  // namespace gmr::attach
