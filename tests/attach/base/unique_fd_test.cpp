// UniqueFd: ownership moves, and an explicit close that reports close(2)'s verdict.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "attach/base/unique_fd.hpp"

namespace {

using gmr::attach::UniqueFd;

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

}  // namespace

TEST_SUITE("attach::base::unique_fd") {
  TEST_CASE("the destructor closes, release gives the fd up without closing it") {
    int raw = -1;
    {
      UniqueFd fd{::open("/proc/self/status", O_RDONLY | O_CLOEXEC)};
      REQUIRE(fd);
      raw = fd.get();
    }
    CHECK_FALSE(is_open(raw));

    UniqueFd kept{::open("/proc/self/status", O_RDONLY | O_CLOEXEC)};
    REQUIRE(kept);
    const int released = kept.release();
    CHECK_FALSE(kept);
    CHECK(is_open(released));
    ::close(released);
  }

  TEST_CASE("moving hands over ownership, the source is left empty") {
    UniqueFd a{::open("/proc/self/status", O_RDONLY | O_CLOEXEC)};
    REQUIRE(a);
    const int raw = a.get();
    UniqueFd b = std::move(a);
    CHECK_FALSE(a.valid());
    CHECK(b.get() == raw);
    UniqueFd c;
    c = std::move(b);
    CHECK(c.get() == raw);
    CHECK(is_open(raw));
  }

  TEST_CASE("close closes now and says so, closing an empty one fails with EBADF") {
    UniqueFd fd{::open("/proc/self/status", O_RDONLY | O_CLOEXEC)};
    REQUIRE(fd);
    const int raw = fd.get();
    CHECK(fd.close());
    CHECK_FALSE(fd);
    CHECK_FALSE(is_open(raw));
    errno = 0;
    CHECK_FALSE(fd.close());
    CHECK(errno == EBADF);
  }
}
