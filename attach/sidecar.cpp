#include "attach/sidecar.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "attach/proc_parse.hpp"
#include "attach/proc_read.hpp"
#include "attach/base/open_in_root.hpp"
#include "attach/base/unique_dir.hpp"

namespace gmr::attach {
namespace {

constexpr std::string_view env_name = "GMR_SIDECAR=";

SidecarFile found(std::string path, std::string by) {
  SidecarFile f;
  f.path = std::move(path);
  f.found_by = std::move(by);
  return f;
}

/// Reads at most max_bytes from `fd` into `file` (one byte more tells truncation).
void read_content(int fd, std::size_t max_bytes, SidecarFile& file) {
  const std::size_t limit = max_bytes == std::numeric_limits<std::size_t>::max() ? max_bytes : max_bytes + 1;
  auto content = read_up_to(fd, limit);
  if (!content) {
    file.error = std::string("cannot read: ") + std::strerror(content.error());
    return;
  }
  if (content->size() > max_bytes) {
    content->resize(max_bytes);
    file.truncated = true;
  }
  file.content = std::move(*content);
}

std::optional<std::string> readlink_string(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
  if (n < 0) return std::nullopt;
  return std::string(buf, static_cast<std::size_t>(n));
}

/// The target's working directory as a path inside its own root.
std::optional<std::string> cwd_in_root(pid_t pid) {
  auto cwd = readlink_string(proc_path(pid, "cwd"));
  auto root = readlink_string(proc_path(pid, "root"));
  if (!cwd || !root || cwd->ends_with(" (deleted)")) return std::nullopt;
  if (*root == "/") return cwd;
  if (!cwd->starts_with(*root) || (cwd->size() > root->size() && (*cwd)[root->size()] != '/')) return std::nullopt;
  std::string inside = cwd->substr(root->size());
  return inside.empty() ? "/" : inside;
}

/// *.conf entries of a directory opened inside the root, sorted by name.
std::vector<std::string> conf_files(int dir_fd) {
  std::vector<std::string> names;
  UniqueDir dir = UniqueDir::open_fd(dir_fd);
  while (auto name = dir.next_name())
    if (name->size() > 5 && name->ends_with(".conf")) names.emplace_back(*name);
  std::sort(names.begin(), names.end());
  return names;
}

void read_from_target(int root_fd, const std::optional<std::string>& cwd, std::size_t max_bytes, SidecarFile& file) {
  std::string absolute = file.path;
  if (absolute.empty() || absolute.front() != '/') {
    if (!cwd) {
      file.error = "relative path, and the target's working directory is unknown";
      return;
    }
    absolute = *cwd + "/" + file.path;
  }
  auto opened = open_in_root(root_fd, absolute);
  if (!opened) {
    file.error = opened.error();
    return;
  }
  file.resolved = opened->path;
  read_content(opened->fd.get(), max_bytes, file);
}

}  // namespace

std::vector<SidecarFile> discover_sidecars(pid_t pid, const std::vector<std::string>& cmdline) {
  std::vector<SidecarFile> files;
  if (auto environ = read_file(proc_path(pid, "environ"))) {
    for (const auto& entry : parse_cmdline(*environ))
      if (entry.starts_with(env_name) && entry.size() > env_name.size())
        files.push_back(found(entry.substr(env_name.size()), "GMR_SIDECAR"));
  }
  for (std::size_t i = 1; i < cmdline.size(); ++i) {
    const std::string& arg = cmdline[i];
    for (std::string_view option : {"--config-file", "--config-dir"}) {
      const std::string by(option);
      if (arg == option && i + 1 < cmdline.size()) {
        files.push_back(found(cmdline[++i], by));
      } else if (arg.starts_with(by + "=") && arg.size() > by.size() + 1) {
        files.push_back(found(arg.substr(by.size() + 1), by));
      }
    }
  }
  return files;
}

std::vector<SidecarFile> read_sidecars(pid_t pid, const SidecarRequest& request, const std::vector<std::string>& cmdline,
                                       std::size_t max_bytes) {
  std::vector<SidecarFile> out;
  if (!request.paths.empty()) {
    for (const auto& path : request.paths) {
      SidecarFile file = found(path, "--sidecar");
      UniqueFd fd(open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
      struct stat st {};
      if (!fd) {
        file.error = "cannot open: " + std::string(std::strerror(errno));
      } else if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        // As for discovered files: a device or FIFO is never read (/dev/zero would give max_bytes of NULs).
        file.error = "not a regular file";
      } else {
        file.resolved = path;
        read_content(fd.get(), max_bytes, file);
      }
      out.push_back(std::move(file));
    }
    return out;
  }
  if (!request.discover) return out;

  std::vector<SidecarFile> found_files = discover_sidecars(pid, cmdline);
  if (found_files.empty()) return out;
  const UniqueFd root = open_process_root(pid);
  const int root_error = errno;
  const auto cwd = cwd_in_root(pid);
  for (auto& file : found_files) {
    if (!root) {
      file.error = "cannot open the target's root: " + std::string(std::strerror(root_error));
      out.push_back(std::move(file));
      continue;
    }
    if (file.found_by != "--config-dir") {
      read_from_target(root.get(), cwd, max_bytes, file);
      out.push_back(std::move(file));
      continue;
    }
    std::string dir = file.path;
    if (dir.front() != '/') {
      if (!cwd) {
        file.error = "relative path, and the target's working directory is unknown";
        out.push_back(std::move(file));
        continue;
      }
      dir = *cwd + "/" + dir;
    }
    auto opened = open_in_root(root.get(), dir, /*directory=*/true);
    if (!opened) {
      file.error = opened.error();
      out.push_back(std::move(file));
      continue;
    }
    const auto names = conf_files(opened->fd.get());
    if (names.empty()) {
      file.resolved = opened->path;
      file.error = "no *.conf files in the directory";
      out.push_back(std::move(file));
      continue;
    }
    for (const auto& name : names) {
      SidecarFile entry = found(file.path + (file.path.ends_with('/') ? "" : "/") + name, "--config-dir");
      read_from_target(root.get(), cwd, max_bytes, entry);
      out.push_back(std::move(entry));
    }
  }
  return out;
}

}  // namespace gmr::attach
