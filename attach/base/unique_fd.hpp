// An owned file descriptor, closed on destruction; -1 means none.
#pragma once

#include <unistd.h>

#include <utility>

namespace gmr::attach {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }
  /// Gives up ownership (e.g. to libdwfl's find_elf, which closes what it is handed).
  int release() { return std::exchange(fd_, -1); }
  /// Closes the fd now and reports close(2)'s verdict (false, errno set): a write error may surface only
  /// here, e.g. on NFS. Empty afterwards either way.
  bool close() { return ::close(std::exchange(fd_, -1)) == 0; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace gmr::attach
