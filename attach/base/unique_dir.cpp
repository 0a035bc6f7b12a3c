#include "attach/base/unique_dir.hpp"

#include <fcntl.h>

#include <cerrno>

#include "attach/base/unique_fd.hpp"

namespace gmr::attach {

UniqueDir UniqueDir::open(const std::string& path) { return UniqueDir(::opendir(path.c_str())); }

UniqueDir UniqueDir::open_fd(int fd) {
  UniqueFd copy{::fcntl(fd, F_DUPFD_CLOEXEC, 0)};
  if (!copy) return {};
  DIR* dir = ::fdopendir(copy.get());
  if (dir == nullptr) {
    const int error = errno;
    copy.reset();
    errno = error;
    return {};
  }
  copy.release();  // closedir closes it from here
  ::rewinddir(dir);  // a duplicate shares the file offset: an earlier listing through `fd` left it at the end
  return UniqueDir(dir);
}

std::optional<std::string_view> UniqueDir::next_name() {
  if (!dir_) return std::nullopt;
  const dirent* entry = ::readdir(dir_.get());
  if (entry == nullptr) return std::nullopt;
  return std::string_view(entry->d_name);
}

}  // namespace gmr::attach
