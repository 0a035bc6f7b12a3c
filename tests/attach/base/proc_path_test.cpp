// The /proc paths, spelled as the kernel names them, and naming files that exist for this very process.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "attach/base/proc_path.hpp"

using namespace gmr::attach;

TEST_SUITE("attach::base::proc_path") {
  TEST_CASE("process, entry, task and task entry paths") {
    CHECK(proc_path(42) == "/proc/42");
    CHECK(proc_path(42, "maps") == "/proc/42/maps");
    CHECK(proc_path(42, "ns/mnt") == "/proc/42/ns/mnt");
    CHECK(task_path(42, 43) == "/proc/42/task/43");
    CHECK(task_path(42, 43, "stat") == "/proc/42/task/43/stat");
  }

  TEST_CASE("map_files ranges are lowercase hex without 0x or padding") {
    CHECK(map_files_path(7, 0x400000, 0x401000) == "/proc/7/map_files/400000-401000");
    CHECK(map_files_path(7, 0x7ffd'abcd'e000, 0xffff'ffff'ffff'f000) == "/proc/7/map_files/7ffdabcde000-fffffffffffff000");
  }

  TEST_CASE("the paths name this process's own files") {
    const pid_t self = getpid();
    CHECK(std::filesystem::exists(proc_path(self, "status")));
    CHECK(std::filesystem::exists(task_path(self, self, "stat")));
    // Every file mapping of this process has its map_files entry under exactly the name built here
    // (a lookup needs no capability for one's own process; following the link would).
    std::ifstream maps("/proc/self/maps");
    std::size_t checked = 0;
    for (std::string line; std::getline(maps, line);) {
      if (line.find(" /") == std::string::npos) continue;
      const std::size_t dash = line.find('-');
      const std::uint64_t start = std::stoull(line.substr(0, dash), nullptr, 16);
      const std::uint64_t end = std::stoull(line.substr(dash + 1), nullptr, 16);
      const std::string path = map_files_path(self, start, end);
      CAPTURE(line);
      CHECK(std::filesystem::is_symlink(path));
      ++checked;
    }
    CHECK(checked > 0);
  }
}
