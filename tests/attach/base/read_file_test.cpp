// The one whole-file reader: procfs files (size 0), streams longer than one read, limits, and errors.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <thread>

#include "attach/base/read_file.hpp"
#include "attach/base/unique_fd.hpp"

namespace {

using gmr::attach::read_file;
using gmr::attach::read_up_to;
using gmr::attach::UniqueFd;

/// A stream socket whose other end a thread fills with `content` and then closes: data that arrives in
/// many pieces, never all in one read.
struct FilledStream {
  UniqueFd read_end;
  std::thread writer;

  explicit FilledStream(std::string content) {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    read_end.reset(fds[0]);
    writer = std::thread([fd = fds[1], content = std::move(content)] {
      std::size_t done = 0;
      while (done < content.size()) {
        // MSG_NOSIGNAL: a test that stops reading early must end the writer with EPIPE, not the test binary.
        const ssize_t n = ::send(fd, content.data() + done, content.size() - done, MSG_NOSIGNAL);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
      }
      ::close(fd);
    });
  }
  ~FilledStream() {
    read_end.reset();
    writer.join();
  }
};

std::string pattern(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

}  // namespace

TEST_SUITE("attach::base::read_file") {
  TEST_CASE("a procfs file, whose size reads as 0, is read to its end") {
    struct stat st {};
    REQUIRE(::stat("/proc/self/status", &st) == 0);
    CHECK(st.st_size == 0);
    const auto status = read_file("/proc/self/status");
    REQUIRE(status.has_value());
    CHECK(status->starts_with("Name:"));
    CHECK(status->find("\nPid:\t" + std::to_string(::getpid()) + "\n") != std::string::npos);
    CHECK(status->ends_with("\n"));
  }

  TEST_CASE("a missing file or a directory gives nullopt") {
    CHECK_FALSE(read_file("/proc/self/no-such-file").has_value());
    CHECK_FALSE(read_file("/proc/self").has_value());
  }

  TEST_CASE("read_up_to reads a stream that arrives in pieces, to its end") {
    const std::string content = pattern(1'000'003);
    FilledStream stream(content);
    const auto read = read_up_to(stream.read_end.get());
    REQUIRE(read.has_value());
    CHECK(read->size() == content.size());
    CHECK(*read == content);
  }

  TEST_CASE("read_up_to stops at exactly the limit, and reads all of a shorter input") {
    const std::string content = pattern(200'000);
    FilledStream stream(content);
    const auto first = read_up_to(stream.read_end.get(), 70'000);
    REQUIRE(first.has_value());
    CHECK(*first == content.substr(0, 70'000));
    const auto rest = read_up_to(stream.read_end.get(), 1'000'000);
    REQUIRE(rest.has_value());
    CHECK(*rest == content.substr(70'000));
  }

  TEST_CASE("read_up_to reports the errno of a failed read") {
    UniqueFd directory{::open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    REQUIRE(directory);
    const auto from_directory = read_up_to(directory.get());
    REQUIRE_FALSE(from_directory.has_value());
    CHECK(from_directory.error() == EISDIR);

    UniqueFd write_only{::open("/dev/null", O_WRONLY | O_CLOEXEC)};
    REQUIRE(write_only);
    const auto from_write_only = read_up_to(write_only.get());
    REQUIRE_FALSE(from_write_only.has_value());
    CHECK(from_write_only.error() == EBADF);
  }
}
