// Opening a path as a process in another root or mount namespace sees it, without escaping that root.
#pragma once

#include <sys/types.h>

#include <expected>
#include <string>

#include "attach/base/unique_fd.hpp"

namespace gmr::attach {

/// /proc/PID/root as an O_PATH directory fd: the root directory the process sees (its chroot, its mount
/// namespace's root). Empty, errno set, when it cannot be opened (process gone, no permission).
UniqueFd open_process_root(pid_t pid);

/// One openat2(2) of `path` relative to the directory `root_fd`, with `flags` | O_CLOEXEC, resolved with
/// RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS: absolute paths, absolute symlinks and ".." stay inside root_fd
/// (the kernel clamps them there), and /proc magic links are not followed. Empty, errno set, on failure.
/// Linux 5.6+; glibc 2.36 has no wrapper for the system call.
UniqueFd open_resolved_in_root(int root_fd, const std::string& path, int flags);

struct RootedFile {
  UniqueFd fd;
  std::string path;  // the canonical path inside the root that was opened
};

/// Resolves absolute `path` component by component inside the directory `root_fd` (e.g. /proc/PID/root):
/// absolute symlinks restart at that root; a ".." above the root is refused (never clamped, never
/// followed out); at most 40 symlinks. Opens the result read-only and non-blocking, and only if it is a
/// regular file (`directory` = true: only a directory). The error is one line: why it was refused.
std::expected<RootedFile, std::string> open_in_root(int root_fd, const std::string& path, bool directory = false);

}  // namespace gmr::attach
