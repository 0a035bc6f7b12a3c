// --output-dir files: the oslo.reports log_dir name, never overwriting, never following a planted link.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <ostream>
#include <stdexcept>
#include <string>

#include "report/render/report_file.hpp"
#include "report/sample_reports.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

using gmr::test::TempDir;
using gmr::test::read_text;

const auto when = gmr::test::samples::rich_report().capture.captured_at;  // 2024-05-01 12:34:56.123456 UTC

}  // namespace

TEST_SUITE("report::file") {
  TEST_CASE("names follow oslo.reports, with the pid: <program>_<pid>_gurumeditation_<UTC YYYYmmddHHMMSS>") {
    CHECK(gmr::report::report_file_name("redis-server", 4242, when, "") ==
          "redis-server_4242_gurumeditation_20240501123456");
    CHECK(gmr::report::report_file_name("redis-server", 4242, when, ".json") ==
          "redis-server_4242_gurumeditation_20240501123456.json");
    CHECK(gmr::report::report_file_name("redis-server", 4242, when, ".json", 2) ==
          "redis-server_4242_gurumeditation_20240501123456.2.json");
  }

  TEST_CASE("the program is program_name(), else pid<N>, made file-safe") {
    auto report = gmr::test::samples::rich_report();
    CHECK(gmr::report::report_program_name(report) == "redis-server");
    report.capture.name = "../evil name\n";
    CHECK(gmr::report::report_program_name(report) == "_._evil_name_");
    report.capture.name.reset();
    report.capture.cmdline.clear();
    report.package.executable.reset();
    CHECK(gmr::report::report_program_name(report) == "pid4242");
  }

  TEST_CASE("a new file is written with mode 0600 and its path returned") {
    TempDir dir("report-file");
    const auto path = gmr::report::write_report_file(dir.path, "demo", 7, when, ".json", "{}\n");
    REQUIRE_MESSAGE(path.has_value(), path.error().message);
    CHECK(*path == (dir.path / "demo_7_gurumeditation_20240501123456.json").string());
    CHECK(read_text(*path) == "{}\n");
    CHECK((fs::status(*path).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
  }

  TEST_CASE("an existing file is never overwritten: .1, .2… are added before the extension") {
    TempDir dir("report-file");
    const auto taken = dir.path / "demo_7_gurumeditation_20240501123456";
    std::ofstream(taken) << "an earlier report\n";
    const auto first = gmr::report::write_report_file(dir.path, "demo", 7, when, "", "one\n");
    const auto second = gmr::report::write_report_file(dir.path, "demo", 7, when, "", "two\n");
    REQUIRE(first.has_value());
    REQUIRE(second.has_value());
    CHECK(*first == taken.string() + ".1");
    CHECK(*second == taken.string() + ".2");
    CHECK(read_text(taken) == "an earlier report\n");
    CHECK(read_text(*first) == "one\n");
    CHECK(read_text(*second) == "two\n");
  }

  TEST_CASE("a symlink planted under the name is neither followed nor replaced") {
    TempDir dir("report-file");
    const auto victim = dir.path / "victim";
    std::ofstream(victim) << "precious\n";
    const auto name = dir.path / "demo_7_gurumeditation_20240501123456";
    fs::create_symlink(victim, name);
    const auto path = gmr::report::write_report_file(dir.path, "demo", 7, when, "", "report\n");
    REQUIRE(path.has_value());
    CHECK(*path == name.string() + ".1");
    CHECK(read_text(victim) == "precious\n");
    CHECK(fs::is_symlink(name));
  }

  TEST_CASE("a directory that cannot be written is an error with errno, and leaves nothing behind") {
    const auto error = gmr::report::write_report_file("/proc", "demo", 7, when, "", "report\n");
    REQUIRE_FALSE(error.has_value());
    CHECK(error.error().message.starts_with("cannot create /proc/demo_7_gurumeditation_20240501123456: "));
    CHECK(error.error().errno_value.has_value());
  }

  TEST_CASE("a report is written to the file as it is rendered, in pieces larger than any buffer") {
    TempDir dir("report-file");
    std::string expected;
    const auto path = gmr::report::write_report_file(dir.path, "demo", 7, when, ".txt", [&](std::ostream& out) {
      for (int i = 0; i < 20000; ++i) {
        const std::string line = "thread " + std::to_string(i) + "\n";
        out << line;
        expected += line;
      }
    });
    REQUIRE(path.has_value());
    CHECK(expected.size() > 64 * 1024 * 2);
    CHECK(read_text(*path) == expected);
  }

  TEST_CASE("a renderer that fails half-way leaves no file behind") {
    TempDir dir("report-file");
    CHECK_THROWS_AS(gmr::report::write_report_file(dir.path, "demo", 7, when, "", [](std::ostream& out) {
                      out << "half a report\n";
                      throw std::runtime_error("renderer failed");
                    }),
                    std::runtime_error);
    CHECK(fs::is_empty(dir.path));
  }
}
