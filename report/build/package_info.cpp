#include "report/build/package_info.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "attach/base/malloc_ptr.hpp"
#include "attach/base/read_file.hpp"
#include "attach/base/unique_dir.hpp"
#include "report/build/package_info_cache.hpp"
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

/// All of `path` after one '\n' and ending in one, so that every line, the first and last too, is framed
/// by newlines; nullopt when it cannot be read.
std::optional<std::string> read_framed_lines(const std::string& path) {
  auto content = attach::read_file(path);
  if (!content) return std::nullopt;
  std::string framed = "\n" + *content;
  if (framed.back() != '\n') framed.push_back('\n');
  return framed;
}

// dpkg's database lists the paths each package installed in /var/lib/dpkg/info/PACKAGE[:ARCH].list, one a
// line. `dpkg-query -S` answers from those files too, but first loads every one of them into memory (half a
// second and 30 MB here, more than the rest of a dump); scanning them for one line costs a few
// milliseconds. The package is named as dpkg-query names it: the list's file name ("libc6:amd64").
// Returns the owner of the first of `paths` that some package lists.
std::optional<std::string> owner(const std::vector<std::string>& paths) {
  std::vector<std::string> lists;
  attach::UniqueDir dir = attach::UniqueDir::open(dpkg_info_dir);
  while (auto name = dir.next_name())
    if (name->size() > 5 && name->ends_with(".list")) lists.emplace_back(*name);
  std::sort(lists.begin(), lists.end());
  std::vector<std::string> needles;
  for (const auto& p : paths) needles.push_back("\n" + p + "\n");

  std::optional<std::string> best;
  std::size_t best_rank = needles.size();
  for (const auto& list : lists) {
    const auto lines = read_framed_lines(std::string(dpkg_info_dir) + "/" + list);
    if (!lines) continue;
    for (std::size_t rank = 0; rank < best_rank; ++rank) {
      if (lines->find(needles[rank]) == std::string::npos) continue;
      best = list.substr(0, list.size() - 5);
      best_rank = rank;
      break;
    }
    if (best_rank == 0) break;
  }
  return best;
}

// Debian Policy §9.1 keeps packages out of /usr/local, /home and the temporary directories; /proc, /sys,
// /dev and /run hold no installed files at all.
bool no_package_may_own(const std::string& path) {
  for (const char* dir : {"/usr/local/", "/home/", "/root/", "/tmp/", "/var/tmp/", "/proc/", "/sys/", "/dev/", "/run/"})
    if (path.starts_with(dir)) return true;
  return false;
}

std::optional<DebianPackage> look_up(const std::vector<std::string>& paths, std::chrono::milliseconds timeout) {
  auto name = owner(paths);
  if (!name) return std::nullopt;
  DebianPackage package{*name, std::nullopt};
  if (auto version = run_command({"dpkg-query", "-W", "-f=${Version}", *name}, timeout); version && !version->empty())
    package.version = *version;
  return package;
}

}  // namespace

std::optional<DebianPackage> debian_package(const std::string& path, std::chrono::milliseconds timeout,
                                            const std::optional<std::string>& cache_dir) {
  const std::vector<std::string> paths = lookup_paths(path);
  if (std::ranges::all_of(paths, no_package_may_own)) return std::nullopt;
  std::optional<PackageInfoCache> cache;
  std::string key;
  if (cache_dir) {
    cache.emplace(*cache_dir);
    for (const auto& p : paths) key += (key.empty() ? "" : " ") + p;
    if (auto kept = cache->find(key)) return *kept;
  }
  auto package = look_up(paths, timeout);
  // A version missing because dpkg-query failed or timed out is not kept: the next dump asks again.
  if (cache && (!package || package->version)) cache->store(key, package);
  return package;
}

}  // namespace gmr::report
