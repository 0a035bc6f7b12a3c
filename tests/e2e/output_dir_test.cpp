// --output-dir through the real binary: oslo.reports file names from the capture time, the path printed,
// JSON files valid, and never an existing file overwritten.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "cli/exit_codes.hpp"
#include "support/json_schema.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace gmr;
using namespace gmr::test;
using nlohmann::json;

// "2024-05-01T12:34:56.123456Z" -> "20240501123456"
std::string compact(const std::string& rfc3339) {
  std::string digits;
  for (char c : rfc3339.substr(0, 19))
    if (c >= '0' && c <= '9') digits += c;
  return digits;
}

std::string utc_compact(std::chrono::system_clock::time_point time) {
  const std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d%H%M%S", &utc);
  return text;
}

}  // namespace

TEST_SUITE("e2e::output_dir") {

TEST_CASE("a text report goes to <program>_<pid>_gurumeditation_<capture time> and its path is printed") {
  Fixture fixture("fixture_threads_c");
  TempDir dir("output-dir");
  const RunResult result = run_gmr({"dump", "--output-dir", dir.path.string(), std::to_string(fixture.pid())});
  INFO("stderr: ", result.err);
  REQUIRE(result.exit_code == cli::exit_complete);
  const auto paths = lines_of(result.out);
  REQUIRE(paths.size() == 1);
  const std::string content = read_text(paths[0]);
  const auto at = content.find("captured at  = ");
  REQUIRE(at != std::string::npos);
  const std::string stamp = compact(content.substr(at + 15, 27));
  CHECK(paths[0] ==
        (dir.path / ("fixture_threads_c_" + std::to_string(fixture.pid()) + "_gurumeditation_" + stamp)).string());
  CHECK(content.find("Thread " + std::to_string(fixture.pid())) != std::string::npos);
  CHECK((fs::status(paths[0]).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 1);
}

TEST_CASE("JSON reports of several pids: one valid .json file each, a second in the same second gets .1") {
  Fixture fixture("fixture_threads_c");
  TempDir dir("output-dir");
  const std::string pid = std::to_string(fixture.pid());
  const RunResult result = run_gmr({"dump", "--json", "--output-dir", dir.path.string(), pid, pid, pid});
  INFO("stderr: ", result.err);
  REQUIRE(result.exit_code == cli::exit_complete);
  const auto paths = lines_of(result.out);
  REQUIRE(paths.size() == 3);
  std::map<std::string, int> per_second;  // files already written for a capture second
  for (const auto& path : paths) {
    const std::string text = read_text(path);
    const SchemaCheck check = check_schema(text, true);
    CHECK_MESSAGE(check.valid, check.problems);
    const json doc = json::parse(text);
    CHECK(doc["pid"] == fixture.pid());
    const std::string stamp = compact(doc["capture"]["captured_at"].get<std::string>());
    const int earlier = per_second[stamp]++;
    const std::string suffix = earlier == 0 ? "" : "." + std::to_string(earlier);
    CHECK(path == (dir.path / ("fixture_threads_c_" + pid + "_gurumeditation_" + stamp + suffix + ".json")).string());
  }
}

TEST_CASE("existing files are never overwritten") {
  Fixture fixture("fixture_threads_c");
  TempDir dir("output-dir");
  // Every name the report could get in the next minute is taken already.
  const auto now = std::chrono::system_clock::now();
  for (int s = -1; s < 60; ++s) {
    const auto name = "fixture_threads_c_" + std::to_string(fixture.pid()) + "_gurumeditation_" +
                      utc_compact(now + std::chrono::seconds(s)) + ".json";
    std::ofstream(dir.path / name) << "an earlier report\n";
  }
  const RunResult result =
      run_gmr({"dump", "--json", "--output-dir", dir.path.string(), std::to_string(fixture.pid())});
  INFO("stderr: ", result.err);
  REQUIRE(result.exit_code == cli::exit_complete);
  const auto paths = lines_of(result.out);
  REQUIRE(paths.size() == 1);
  CHECK(paths[0].ends_with(".1.json"));
  CHECK(json::parse(read_text(paths[0]))["pid"] == fixture.pid());
  for (const auto& entry : fs::directory_iterator(dir.path))
    if (entry.path() != paths[0]) CHECK(read_text(entry.path()) == "an earlier report\n");
}

TEST_CASE("named after what was started: a symlink's name, not its target's, workers of one program apart") {
  // As /usr/bin/redis-server -> redis-check-rdb: the program is started through a link with another name.
  TempDir dir("output-dir");
  const fs::path link = dir.path / "gmr-linked-svc";
  fs::create_symlink(fixture_path("fixture_threads_c"), link);
  const FixtureOptions through_link{.args = {}, .prefix = {"sh", "-c", "shift; exec \"$0\" \"$@\"", link.string()}};
  Fixture first("fixture_threads_c", through_link);
  Fixture second("fixture_threads_c", through_link);
  TempDir out("output-dir");
  const RunResult result = run_gmr({"dump", "--output-dir", out.path.string(), std::to_string(first.pid()),
                                    std::to_string(second.pid())});
  INFO("stderr: ", result.err);
  REQUIRE(result.exit_code == cli::exit_complete);
  const auto paths = lines_of(result.out);
  REQUIRE(paths.size() == 2);
  CHECK(fs::path(paths[0]).filename().string().starts_with("gmr-linked-svc_" + std::to_string(first.pid()) +
                                                           "_gurumeditation_"));
  CHECK(fs::path(paths[1]).filename().string().starts_with("gmr-linked-svc_" + std::to_string(second.pid()) +
                                                           "_gurumeditation_"));
  for (const auto& path : paths) CHECK_FALSE(path.ends_with(".1"));
  // The folded stacks' root frame too; the Package section still names the real executable.
  const RunResult folded = run_gmr({"dump", "--format", "folded", std::to_string(first.pid())});
  REQUIRE(folded.exit_code == cli::exit_complete);
  for (const auto& line : lines_of(folded.out)) CHECK(line.starts_with("gmr-linked-svc;"));
  CHECK(read_text(paths[0]).find("executable   = " + fixture_path("fixture_threads_c")) != std::string::npos);
}

TEST_CASE("a pid without a report writes no file and prints no path") {
  TempDir dir("output-dir");
  const RunResult gone = run_command({"sh", "-c", "echo $$"});
  const std::string pid = lines_of(gone.out).at(0);
  const RunResult result = run_gmr({"dump", "--json", "--output-dir", dir.path.string(), pid});
  CHECK(result.exit_code == cli::exit_no_such_process);
  CHECK(result.out.empty());
  CHECK(result.err == "gmr: no process with pid " + pid + "\n");
  CHECK(fs::is_empty(dir.path));
}

}  // TEST_SUITE
