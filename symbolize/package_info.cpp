#include "symbolize/package_info.hpp"

#include <climits>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "symbolize/dwfl_handles.hpp"
#include "symbolize/run_command.hpp"

namespace gmr::symbolize {
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
  if (MallocPtr<char> resolved{::realpath(path.c_str(), nullptr)}) add_unique(paths, resolved.get());
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

// `dpkg-query -S` prints "pkg[, pkg…]: /path" (and "diversion by…" lines); take the first owner.
std::optional<std::string> owner(const std::string& output, const std::string& path) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    const std::string suffix = ": " + path;
    if (line.size() <= suffix.size() || !line.ends_with(suffix) || line.starts_with("diversion ")) continue;
    std::string owners = line.substr(0, line.size() - suffix.size());
    return owners.substr(0, owners.find(", "));
  }
  return std::nullopt;
}

}  // namespace

std::optional<DebianPackage> debian_package(const std::string& path, std::chrono::milliseconds timeout) {
  for (const std::string& candidate : lookup_paths(path)) {
    auto output = run_command({"dpkg-query", "-S", candidate}, timeout);
    if (!output) continue;
    auto name = owner(*output, candidate);
    if (!name) continue;
    DebianPackage package{*name, std::nullopt};
    if (auto version = run_command({"dpkg-query", "-W", "-f=${Version}", *name}, timeout); version && !version->empty())
      package.version = *version;
    return package;
  }
  return std::nullopt;
}

}  // namespace gmr::symbolize
