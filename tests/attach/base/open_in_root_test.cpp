// open_in_root() and the openat2 beneath it, over a real directory tree standing in for a target's root.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "attach/base/open_in_root.hpp"

namespace fs = std::filesystem;
using gmr::attach::open_in_root;
using gmr::attach::open_process_root;
using gmr::attach::open_resolved_in_root;

namespace {

struct TempRoot {
  fs::path dir;
  int fd = -1;
  TempRoot() {
    char tmpl[] = "/tmp/gmr-root-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    fs::create_directories(dir / "etc/app");
    std::ofstream(dir / "etc/app/app.conf") << "[DEFAULT]\nx = 1\n";
    fs::create_symlink("/etc/app/app.conf", dir / "etc/absolute.conf");
    fs::create_symlink("app/app.conf", dir / "etc/relative.conf");
    fs::create_symlink("../../../../../../../etc/hostname", dir / "etc/app/escape.conf");
    fs::create_symlink("loop2", dir / "etc/loop1");
    fs::create_symlink("loop1", dir / "etc/loop2");
    REQUIRE(mkfifo((dir / "etc/fifo").c_str(), 0600) == 0);
    fd = open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(fd >= 0);
  }
  ~TempRoot() {
    close(fd);
    fs::remove_all(dir);
  }
};

}  // namespace

TEST_SUITE("attach::base::open_in_root") {
  TEST_CASE("plain, absolute-symlink and relative-symlink paths resolve inside the root") {
    TempRoot root;
    for (const char* path : {"/etc/app/app.conf", "/etc/absolute.conf", "/etc/relative.conf", "/etc/./app/../app/app.conf"}) {
      CAPTURE(path);
      auto opened = open_in_root(root.fd, path);
      REQUIRE(opened);
      CHECK(opened->path == "/etc/app/app.conf");
      char buf[16] = {};
      CHECK(read(opened->fd.get(), buf, 9) == 9);
      CHECK(std::string(buf) == "[DEFAULT]");
    }
  }

  TEST_CASE("a symlink that climbs above the root is refused, naming the link") {
    TempRoot root;
    auto opened = open_in_root(root.fd, "/etc/app/escape.conf");
    REQUIRE_FALSE(opened);
    CHECK(opened.error().find("above the target's root") != std::string::npos);
    CHECK(opened.error().find("/etc/app/escape.conf -> ../../../../../../../etc/hostname") != std::string::npos);
    CHECK_FALSE(open_in_root(root.fd, "/../etc/app/app.conf"));
  }

  TEST_CASE("loops, missing files, FIFOs and directories are refused without blocking") {
    TempRoot root;
    auto loop = open_in_root(root.fd, "/etc/loop1");
    REQUIRE_FALSE(loop);
    CHECK(loop.error().find("too many symbolic links") != std::string::npos);
    auto missing = open_in_root(root.fd, "/etc/nope.conf");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().find("No such file") != std::string::npos);
    auto fifo = open_in_root(root.fd, "/etc/fifo");
    REQUIRE_FALSE(fifo);
    CHECK(fifo.error().find("not a regular file") != std::string::npos);
    CHECK_FALSE(open_in_root(root.fd, "/etc/app"));
    CHECK(open_in_root(root.fd, "/etc/app", /*directory=*/true));
  }

  TEST_CASE("open_resolved_in_root: absolute links and '..' are clamped at the root, never leave it") {
    TempRoot root;
    auto read9 = [](const gmr::attach::UniqueFd& fd) {
      char buf[16] = {};
      return read(fd.get(), buf, 9) == 9 ? std::string(buf) : std::string();
    };
    // The absolute link leads to the root's own /etc/app/app.conf, not to the machine's.
    const auto through_link = open_resolved_in_root(root.fd, "/etc/absolute.conf", O_RDONLY);
    REQUIRE(through_link);
    CHECK(read9(through_link) == "[DEFAULT]");
    const auto above = open_resolved_in_root(root.fd, "/../../etc/app/app.conf", O_RDONLY);
    REQUIRE(above);
    CHECK(read9(above) == "[DEFAULT]");
    // The escaping link lands on the root's /etc/hostname, which this root does not have.
    errno = 0;
    CHECK_FALSE(open_resolved_in_root(root.fd, "/etc/app/escape.conf", O_RDONLY));
    CHECK(errno == ENOENT);
    // O_CLOEXEC is always added.
    CHECK((fcntl(through_link.get(), F_GETFD) & FD_CLOEXEC) != 0);
  }

  TEST_CASE("open_resolved_in_root does not follow /proc magic links") {
    const gmr::attach::UniqueFd machine_root{open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)};
    REQUIRE(machine_root);
    errno = 0;
    CHECK_FALSE(open_resolved_in_root(machine_root.get(), "/proc/self/exe", O_PATH));
    CHECK(errno == ELOOP);
  }

  TEST_CASE("open_process_root: this process's root is the machine's, a missing process has none") {
    const gmr::attach::UniqueFd mine = open_process_root(getpid());
    REQUIRE(mine);
    struct stat theirs {}, ours {};
    REQUIRE(fstat(mine.get(), &theirs) == 0);
    REQUIRE(stat("/", &ours) == 0);
    CHECK(S_ISDIR(theirs.st_mode));
    CHECK(theirs.st_dev == ours.st_dev);
    CHECK(theirs.st_ino == ours.st_ino);
    errno = 0;
    CHECK_FALSE(open_process_root(0x3fffffff));  // above pid_max's ceiling (2^22): never a process
    CHECK(errno == ENOENT);
  }
}
