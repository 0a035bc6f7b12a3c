// read_sidecars() for files named with --sidecar, read from gmr's own view of the file system: whole or
// cut at the limit, for any limit however large.
#include <doctest/doctest.h>

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "attach/sidecar.hpp"

namespace {

struct TempFile {
  std::string path;
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/gmr-sidecar-XXXXXX";
    const int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    path = name;
    std::ofstream(path) << content;
  }
  ~TempFile() { std::filesystem::remove(path); }
};

gmr::attach::SidecarFile read_one(const std::string& path, std::size_t max_bytes) {
  gmr::attach::SidecarRequest request;
  request.paths = {path};
  const auto files = gmr::attach::read_sidecars(::getpid(), request, {}, max_bytes);
  REQUIRE(files.size() == 1);
  return files[0];
}

}  // namespace

TEST_SUITE("attach::sidecar") {
  TEST_CASE("a --sidecar file is read whole under any limit at least its size, the largest included") {
    const std::string text = "[DEFAULT]\nkey = value\n";
    TempFile file(text);
    for (std::size_t max_bytes : {text.size(), std::size_t{1} << 20, std::numeric_limits<std::size_t>::max() - 4,
                                  std::numeric_limits<std::size_t>::max()}) {
      CAPTURE(max_bytes);
      const auto read = read_one(file.path, max_bytes);
      CHECK_FALSE(read.error);
      CHECK(read.content == std::optional<std::string>(text));
      CHECK_FALSE(read.truncated);
    }
  }

  TEST_CASE("a --sidecar that is not a regular file is not read: a device, a directory") {
    for (const char* path : {"/dev/zero", "/tmp"}) {
      CAPTURE(path);
      const auto read = read_one(path, 1 << 20);
      CHECK_FALSE(read.content);
      CHECK(read.error == std::optional<std::string>("not a regular file"));
    }
  }

  TEST_CASE("a --sidecar file longer than the limit is cut, and says so") {
    TempFile file("[DEFAULT]\nkey = value\n");
    const auto read = read_one(file.path, 9);
    CHECK(read.content == std::optional<std::string>("[DEFAULT]"));
    CHECK(read.truncated);
  }
}
