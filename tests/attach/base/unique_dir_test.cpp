// UniqueDir over real directories: listing, and fdopendir on a duplicate that never leaks.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include "attach/base/unique_dir.hpp"
#include "attach/base/unique_fd.hpp"

namespace {

using gmr::attach::UniqueDir;
using gmr::attach::UniqueFd;

std::vector<std::string> names_of(UniqueDir& dir) {
  std::vector<std::string> names;
  while (auto name = dir.next_name()) names.emplace_back(*name);
  std::sort(names.begin(), names.end());
  return names;
}

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::size_t open_fd_count() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

const std::string this_dir = GMR_TEST_DATA_DIR "/attach/base";

}  // namespace

TEST_SUITE("attach::base::unique_dir") {
  TEST_CASE("open lists every entry of a directory, '.' and '..' included, then ends") {
    UniqueDir dir = UniqueDir::open(this_dir);
    REQUIRE(dir);
    const auto names = names_of(dir);
    CHECK(has(names, "."));
    CHECK(has(names, ".."));
    CHECK(has(names, "unique_dir_test.cpp"));
    CHECK_FALSE(dir.next_name().has_value());
  }

  TEST_CASE("a directory that cannot be opened gives an empty handle with errno, and no entries") {
    errno = 0;
    UniqueDir dir = UniqueDir::open(this_dir + "/no-such-directory");
    CHECK(errno == ENOENT);
    CHECK_FALSE(dir);
    CHECK_FALSE(dir.next_name().has_value());
  }

  TEST_CASE("open_fd reads through its own duplicate: the caller's fd stays open, and a second stream lists it all again") {
    UniqueFd fd{::open(this_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    REQUIRE(fd);
    std::vector<std::string> first, second;
    {
      UniqueDir dir = UniqueDir::open_fd(fd.get());
      REQUIRE(dir);
      first = names_of(dir);
    }
    CHECK(::fcntl(fd.get(), F_GETFD) != -1);
    UniqueDir again = UniqueDir::open_fd(fd.get());
    REQUIRE(again);
    second = names_of(again);
    CHECK(has(first, "unique_dir_test.cpp"));
    CHECK(first == second);
  }

  TEST_CASE("open_fd on a file that is not a directory fails with ENOTDIR and leaks no descriptor") {
    UniqueFd file{::open((this_dir + "/unique_dir_test.cpp").c_str(), O_RDONLY | O_CLOEXEC)};
    REQUIRE(file);
    const std::size_t before = open_fd_count();
    for (int i = 0; i < 100; ++i) {
      errno = 0;
      UniqueDir dir = UniqueDir::open_fd(file.get());
      CHECK_FALSE(dir);
      CHECK(errno == ENOTDIR);
    }
    CHECK(open_fd_count() == before);
  }

  TEST_CASE("open_fd on a closed descriptor fails with EBADF") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    ::close(fds[0]);
    ::close(fds[1]);
    errno = 0;
    CHECK_FALSE(UniqueDir::open_fd(fds[0]));
    CHECK(errno == EBADF);
  }
}
