#include "report/build/package_info.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include "attach/base/malloc_ptr.hpp"
#include "attach/base/unique_fd.hpp"
#include "report/build/run_command.hpp"

namespace gmr::report {
namespace {

void add_unique(std::vector<std::string>& paths, std::string path) {
  for (const auto& p : paths)
    if (p == path) return;
  paths.push_back(std::move(path));
}

// dpkg's database records the path the package shipped, which on a /usr-merged system may be either form.
std::vector<std::string> lookup_paths(const std::string& path) {
  std::vector<std::string> paths;
  add_unique(paths, path);
  if (attach::MallocPtr<char> resolved{::realpath(path.c_str(), nullptr)}) add_unique(paths, resolved.get());
  const std::size_t direct = paths.size();
  for (std::size_t i = 0; i < direct; ++i) {
    const std::string p = paths[i];
    if (p.starts_with("/usr/")) {
      for (const char* dir : {"/bin/", "/sbin/", "/lib/", "/lib64/"})
        if (p.starts_with(std::string("/usr") + dir)) add_unique(paths, p.substr(4));
    } else {
      for (const char* dir : {"/bin/", "/sbin/", "/lib/", "/lib64/"})
        if (p.starts_with(dir)) add_unique(paths, "/usr" + p);
    }
  }
  return paths;
}

constexpr const char* dpkg_info_dir = "/var/lib/dpkg/info";

/// Reads all of `path` into `buffer` after one '\n' (so that every line, the first too, follows a newline).
bool read_whole(const std::string& path, std::string& buffer) {
  attach::UniqueFd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.get() < 0) return false;
  buffer.assign(1, '\n');
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  if (buffer.back() != '\n') buffer.push_back('\n');
  return true;
}

// dpkg's database lists the paths each package installed in /var/lib/dpkg/info/PACKAGE[:ARCH].list, one a
// line. `dpkg-query -S` answers from those files too, but first loads every one of them into memory (half a
// second and 30 MB here, more than the rest of a dump); scanning them for one line costs a few
// milliseconds. The package is named as dpkg-query names it: the list's file name ("libc6:amd64").
// Returns the owner of the first of `paths` that some package lists.
std::optional<std::string> owner(const std::vector<std::string>& paths) {
  std::vector<std::string> lists;
  if (DIR* dir = ::opendir(dpkg_info_dir)) {
    while (const dirent* entry = ::readdir(dir)) {
      const std::string_view name = entry->d_name;
      if (name.size() > 5 && name.ends_with(".list")) lists.emplace_back(name);
    }
    ::closedir(dir);
  }
  std::sort(lists.begin(), lists.end());
  std::vector<std::string> needles;
  for (const auto& p : paths) needles.push_back("\n" + p + "\n");

  std::optional<std::string> best;
  std::size_t best_rank = needles.size();
  std::string buffer;
  for (const auto& list : lists) {
    if (!read_whole(std::string(dpkg_info_dir) + "/" + list, buffer)) continue;
    for (std::size_t rank = 0; rank < best_rank; ++rank) {
      if (buffer.find(needles[rank]) == std::string::npos) continue;
      best = list.substr(0, list.size() - 5);
      best_rank = rank;
      break;
    }
    if (best_rank == 0) break;
  }
  return best;
}

}  // namespace

std::optional<DebianPackage> debian_package(const std::string& path, std::chrono::milliseconds timeout) {
  auto name = owner(lookup_paths(path));
  if (!name) return std::nullopt;
  DebianPackage package{*name, std::nullopt};
  if (auto version = run_command({"dpkg-query", "-W", "-f=${Version}", *name}, timeout); version && !version->empty())
    package.version = *version;
  return package;
}

}  // namespace gmr::report
