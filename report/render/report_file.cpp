#include "report/render/report_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>
#include <ostream>
#include <streambuf>

#include "attach/base/unique_fd.hpp"
#include "report/render/program_name.hpp"

namespace gmr::report {
namespace {

constexpr unsigned max_attempts = 1000;

bool safe_byte(char c, bool first) {
  if (c == '.') return !first;
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '+' ||
         c == '-';
}

std::string sanitized(std::string_view name) {
  std::string out;
  for (char c : name) out += safe_byte(c, out.empty()) ? c : '_';
  return out;
}

std::string utc_compact(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d%H%M%S", &utc);
  return text;
}

std::string errno_message(const std::string& what, const std::string& path, int error) {
  return what + " " + path + ": " + std::strerror(error);
}

// Writes all of `content`, retrying short writes and EINTR.
bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// A stream's bytes written to `fd` a buffer at a time; the first failed write ends it and keeps its errno.
class FdBuffer : public std::streambuf {
 public:
  explicit FdBuffer(int fd) : fd_(fd) { setp(buffer_, buffer_ + sizeof buffer_); }
  std::optional<int> failure() const { return failure_; }

 protected:
  int_type overflow(int_type c) override {
    if (!flush()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return flush() ? 0 : -1; }

 private:
  bool flush() {
    if (failure_) return false;
    if (!write_all(fd_, std::string_view(pbase(), static_cast<std::size_t>(pptr() - pbase())))) {
      failure_ = errno;
      return false;
    }
    setp(buffer_, buffer_ + sizeof buffer_);
    return true;
  }

  int fd_;
  std::optional<int> failure_;
  char buffer_[64 * 1024];
};

}  // namespace

std::string report_program_name(const Report& report) {
  const auto name = sanitized(program_name(report));
  if (!name.empty()) return name;
  return "pid" + std::to_string(report.capture.pid);
}

std::string report_file_name(std::string_view program, pid_t pid, std::chrono::system_clock::time_point time,
                             std::string_view extension, unsigned attempt) {
  std::string name = std::string{program} + "_" + std::to_string(pid) + "_gurumeditation_" + utc_compact(time);
  if (attempt > 0) name += "." + std::to_string(attempt);
  return name + std::string{extension};
}

std::expected<std::string, FileError> write_report_file(const std::string& directory, std::string_view program,
                                                        pid_t pid, std::chrono::system_clock::time_point time,
                                                        std::string_view extension, std::string_view content) {
  return write_report_file(directory, program, pid, time, extension,
                           [content](std::ostream& out) { out.write(content.data(), static_cast<std::streamsize>(content.size())); });
}

std::expected<std::string, FileError> write_report_file(const std::string& directory, std::string_view program,
                                                        pid_t pid, std::chrono::system_clock::time_point time,
                                                        std::string_view extension, const ContentWriter& write) {
  const std::string prefix = directory.empty() || directory.back() == '/' ? directory : directory + "/";
  for (unsigned attempt = 0; attempt < max_attempts; ++attempt) {
    const std::string path = prefix + report_file_name(program, pid, time, extension, attempt);
    // O_EXCL also refuses a dangling symlink planted under that name.
    attach::UniqueFd fd{::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)};
    if (!fd && errno == EEXIST) continue;
    if (!fd) return std::unexpected(FileError{errno_message("cannot create", path, errno), errno});
    FdBuffer buffer(fd.get());
    std::ostream out(&buffer);
    try {
      write(out);
    } catch (...) {
      ::unlink(path.c_str());  // no half a report left behind
      throw;
    }
    out.flush();
    const bool written = out.good() && !buffer.failure();
    const int write_errno = buffer.failure().value_or(errno);
    const bool closed = fd.close();
    if (written && closed) return path;
    const int error = written ? errno : write_errno;
    ::unlink(path.c_str());
    return std::unexpected(FileError{errno_message("cannot write", path, error), error});
  }
  return std::unexpected(FileError{"cannot create a report file in " + directory + ": " +
                                       report_file_name(program, pid, time, extension) + " and " +
                                       std::to_string(max_attempts - 1) + " numbered variants exist",
                                   EEXIST});
}

}  // namespace gmr::report
