// Test support: a temporary directory that is removed with everything in it when the test ends, and
// whole-file reads for checking what gmr wrote.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace gmr::test {

/// A new, empty directory /tmp/gmr-TAG-XXXXXX (mkdtemp), removed with its contents by the destructor. Throws
/// std::runtime_error (a failure of the running test) when it cannot be made.
struct TempDir {
  explicit TempDir(std::string_view tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// Writes `text` to path/`name`, making the directories `name` names; returns the file's path.
  std::string write(const std::string& name, const std::string& text) const;

  std::filesystem::path path;
};

/// The whole content of the file at `path`. Throws std::runtime_error when it cannot be read.
std::string read_text(const std::filesystem::path& path);

}  // namespace gmr::test
