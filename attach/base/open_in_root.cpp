#include "attach/base/open_in_root.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <vector>

#include "attach/base/proc_path.hpp"

namespace gmr::attach {
namespace {

constexpr int max_symlinks = 40;

std::deque<std::string> split(const std::string& path) {
  std::deque<std::string> parts;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t slash = path.find('/', i);
    if (slash == std::string::npos) slash = path.size();
    if (slash > i) parts.push_back(path.substr(i, slash - i));
    i = slash + 1;
  }
  return parts;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

}  // namespace

UniqueFd open_process_root(pid_t pid) {
  return UniqueFd{::open(proc_path(pid, "root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
}

UniqueFd open_resolved_in_root(int root_fd, const std::string& path, int flags) {
  open_how how{};
  how.flags = static_cast<unsigned long long>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return UniqueFd{static_cast<int>(::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how))};
}

std::expected<RootedFile, std::string> open_in_root(int root_fd, const std::string& path, bool directory) {
  std::deque<std::string> todo = split(path);
  std::vector<std::string> resolved;
  int links = 0;
  std::string through;  // the last symbolic link followed, for the message
  while (!todo.empty()) {
    std::string part = std::move(todo.front());
    todo.pop_front();
    if (part == ".") continue;
    if (part == "..") {
      if (resolved.empty())
        return std::unexpected("'" + path + "' leads above the target's root (a '..' past '/'" +
                               (through.empty() ? std::string() : ", through the symbolic link " + through) + "): refused");
      resolved.pop_back();
      continue;
    }
    resolved.push_back(part);
    const std::string here = join(resolved);
    // Each component through openat2 too, as a second fence: even if one is swapped for a symlink between
    // this walk and the final open, resolution cannot leave the root.
    UniqueFd fd = open_resolved_in_root(root_fd, here, O_PATH | O_NOFOLLOW);
    if (!fd) return std::unexpected("cannot open '" + here + "': " + std::strerror(errno));
    struct stat st {};
    if (fstatat(fd.get(), "", &st, AT_EMPTY_PATH) != 0) return std::unexpected("cannot stat '" + here + "': " + std::strerror(errno));
    if (!S_ISLNK(st.st_mode)) continue;
    if (++links > max_symlinks) return std::unexpected("too many symbolic links resolving '" + path + "'");
    char target[4096];
    ssize_t n = readlinkat(fd.get(), "", target, sizeof target - 1);
    if (n < 0) return std::unexpected("cannot read link '" + here + "': " + std::strerror(errno));
    const std::string link(target, static_cast<std::size_t>(n));
    through = here + " -> " + link;
    resolved.pop_back();
    if (!link.empty() && link.front() == '/') resolved.clear();
    std::deque<std::string> expanded = split(link);
    todo.insert(todo.begin(), expanded.begin(), expanded.end());
  }
  const std::string final_path = join(resolved);
  UniqueFd fd = open_resolved_in_root(root_fd, final_path, (directory ? O_DIRECTORY : 0) | O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
  if (!fd) return std::unexpected("cannot open '" + final_path + "': " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return std::unexpected("cannot stat '" + final_path + "': " + std::strerror(errno));
  if (directory ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
    return std::unexpected("'" + final_path + "' is not a " + (directory ? "directory" : "regular file"));
  return RootedFile{std::move(fd), final_path};
}

}  // namespace gmr::attach
