#include "report/core/core_mapping.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "attach/base/unique_fd.hpp"

namespace gmr::core {

std::expected<CoreMapping, std::string> CoreMapping::open(const std::string& path) {
  attach::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return std::unexpected(path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return std::unexpected(path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return std::unexpected(path + ": not a regular file");
  if (st.st_size == 0) return std::unexpected(path + ": empty file, not a core");
  const auto size = static_cast<std::size_t>(st.st_size);
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (data == MAP_FAILED) return std::unexpected(path + ": cannot map it: " + std::strerror(errno));
  const auto modified = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
  return CoreMapping(data, size, modified);
}

CoreMapping::CoreMapping(CoreMapping&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)), modified_(other.modified_) {}

CoreMapping::~CoreMapping() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

}  // namespace gmr::core
