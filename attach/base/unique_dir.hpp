// An owned directory stream (DIR*), closed on destruction; empty means none.
#pragma once

#include <dirent.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gmr::attach {

class UniqueDir {
 public:
  UniqueDir() = default;

  /// opendir(path). Empty (errno set) when it cannot be opened.
  static UniqueDir open(const std::string& path);

  /// A stream over all entries of the directory that `fd` refers to (from the first: the offset `fd`
  /// shares with the stream is rewound). The stream reads through its own duplicate of `fd`, which it
  /// closes, also when fdopendir fails; `fd` stays open and the caller's. Empty (errno set) on failure,
  /// e.g. when `fd` is not a directory.
  static UniqueDir open_fd(int fd);

  DIR* get() const { return dir_.get(); }
  explicit operator bool() const { return dir_ != nullptr; }

  /// The next entry's name ("." and ".." included), or nullopt at the end. The view is valid until the
  /// next call.
  std::optional<std::string_view> next_name();

 private:
  struct Closer {
    void operator()(DIR* dir) const { ::closedir(dir); }
  };
  explicit UniqueDir(DIR* dir) : dir_(dir) {}

  std::unique_ptr<DIR, Closer> dir_;
};

}  // namespace gmr::attach
