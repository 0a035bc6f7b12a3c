#include "attach/base/read_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "attach/base/unique_fd.hpp"

namespace gmr::attach {

std::expected<std::string, int> read_up_to(int fd, std::size_t limit) {
  std::string out;
  char buffer[65536];
  while (out.size() < limit) {
    const ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, limit - out.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::unexpected(errno);
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

std::optional<std::string> read_file(const std::string& path) {
  UniqueFd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (!fd) return std::nullopt;
  auto content = read_up_to(fd.get());
  if (!content) return std::nullopt;
  return std::move(*content);
}

}  // namespace gmr::attach
