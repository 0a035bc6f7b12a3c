// Opening a path as a process in another root or mount namespace sees it, without escaping that root.
#pragma once

#include <expected>
#include <string>

#include "attach/base/unique_fd.hpp"

namespace gmr::attach {

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
