// dpkg's answers (which package owns a path, its version) kept between dumps, in the gmr cache directory
// (symbolize/frame_cache.hpp says where): scanning dpkg's ~900 file lists is the longest step of a small
// dump once its frames come from the frame cache. An answer is used only while dpkg's database is the one
// it was found in (the info directory and the status file have the same size, time and inode: dpkg
// replaces both on every install, upgrade and removal). A file that is corrupt, truncated or cannot be
// read or written is ignored, silently: the cache only saves time.
#pragma once

#include <optional>
#include <string>

#include "report/build/package_info.hpp"

namespace gmr::report {

class PackageInfoCache {
 public:
  /// The cache in `cache_dir`/packages-v1; dpkg's database is looked at now.
  explicit PackageInfoCache(std::string cache_dir);

  /// The answer kept for `key` (no package is an answer too); nullopt when none is kept.
  std::optional<std::optional<DebianPackage>> find(const std::string& key) const;
  /// Keeps `answer` for `key`, written at once (atomically: a temporary file renamed over the old).
  void store(const std::string& key, const std::optional<DebianPackage>& answer);

 private:
  std::string file_;
  std::optional<std::string> dpkg_state_;  // nullopt: no dpkg database, nothing kept
  std::string kept_;                       // the valid entry lines of the file, "\n"-terminated
};

}  // namespace gmr::report
