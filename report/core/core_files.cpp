#include "report/core/core_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <vector>

namespace gmr::core {
namespace {

attach::UniqueFd open_regular(const std::string& path) {
  attach::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return {};
  return fd;
}

}  // namespace

std::optional<attach::OpenedFile> CoreFiles::open(const attach::Mapping& mapping) const {
  std::vector<std::string> candidates;
  if (options_.exe && options_.exe_path && mapping.path == *options_.exe_path) candidates.push_back(*options_.exe);
  if (options_.sysroot) candidates.push_back(*options_.sysroot + mapping.path);
  else candidates.push_back(mapping.path);
  const auto recorded = options_.build_ids.find(mapping.path);
  for (const auto& path : candidates) {
    attach::UniqueFd fd = open_regular(path);
    if (!fd) continue;
    if (recorded != options_.build_ids.end() && build_id_of(fd.get()) != recorded->second) continue;
    return attach::OpenedFile{std::move(fd), path};
  }
  return std::nullopt;
}

}  // namespace gmr::core
