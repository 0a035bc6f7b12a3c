#include "attach/sidecar.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <memory>

#include "attach/proc_parse.hpp"
#include "attach/proc_read.hpp"
#include "attach/base/open_in_root.hpp"

namespace gmr::attach {
namespace {

constexpr std::string_view env_name = "GMR_SIDECAR=";

SidecarFile found(std::string path, std::string by) {
  SidecarFile f;
  f.path = std::move(path);
  f.found_by = std::move(by);
  return f;
}

/// Reads at most max_bytes (+1 to tell truncation) from `fd` into `file`.
void read_content(int fd, std::size_t max_bytes, SidecarFile& file) {
  std::string out;
  char buf[65536];
  // max_bytes + 1, without wrapping to 0 for the largest size.
  const std::size_t limit = max_bytes == std::numeric_limits<std::size_t>::max() ? max_bytes : max_bytes + 1;
  while (out.size() < limit) {
    ssize_t n = read(fd, buf, std::min(sizeof buf, limit - out.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      file.error = std::string("cannot read: ") + std::strerror(errno);
      return;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  if (out.size() > max_bytes) {
    out.resize(max_bytes);
    file.truncated = true;
  }
  file.content = std::move(out);
}

std::optional<std::string> readlink_string(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
  if (n < 0) return std::nullopt;
  return std::string(buf, static_cast<std::size_t>(n));
}

/// The target's working directory as a path inside its own root.
std::optional<std::string> cwd_in_root(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid);
  auto cwd = readlink_string(dir + "/cwd");
  auto root = readlink_string(dir + "/root");
  if (!cwd || !root || cwd->ends_with(" (deleted)")) return std::nullopt;
  if (*root == "/") return cwd;
  if (!cwd->starts_with(*root) || (cwd->size() > root->size() && (*cwd)[root->size()] != '/')) return std::nullopt;
  std::string inside = cwd->substr(root->size());
  return inside.empty() ? "/" : inside;
}

/// *.conf entries of a directory opened inside the root, sorted by name.
std::vector<std::string> conf_files(int dir_fd) {
  std::vector<std::string> names;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(fdopendir(dup(dir_fd)), closedir);
  if (!dir) return names;
  while (dirent* e = readdir(dir.get())) {
    std::string_view name = e->d_name;
    if (name.size() > 5 && name.ends_with(".conf")) names.emplace_back(name);
  }
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
  if (auto environ = read_file("/proc/" + std::to_string(pid) + "/environ")) {
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
  UniqueFd root(open(("/proc/" + std::to_string(pid) + "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  const auto cwd = cwd_in_root(pid);
  for (auto& file : found_files) {
    if (!root) {
      file.error = "cannot open the target's root: " + std::string(std::strerror(errno));
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
