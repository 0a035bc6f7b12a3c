// 1,000 threads in known groups (tests/fixtures/crowd.c): --group counts them exactly and --format folded
// sums to the thread count. One fixture process, two dumps, by the real binary.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.hpp"
#include "support/json_schema.hpp"
#include "support/process.hpp"

using namespace gmr;
using namespace gmr::test;

namespace {

// "654-1184, 1187-1255" -> every tid.
std::vector<pid_t> expand_ranges(const std::string& text) {
  std::vector<pid_t> tids;
  std::istringstream in{text};
  for (std::string run; std::getline(in, run, ',');) {
    const auto dash = run.find('-');
    const pid_t first = std::stoi(run.substr(0, dash));
    const pid_t last = dash == std::string::npos ? first : std::stoi(run.substr(dash + 1));
    for (pid_t tid = first; tid <= last; ++tid) tids.push_back(tid);
  }
  return tids;
}

}  // namespace

TEST_SUITE("e2e::crowd") {

TEST_CASE("1,000 threads: --group counts each group exactly in text and JSON, --format folded sums to 1000") {
  Fixture crowd("fixture_crowd", {.args = {}, .timeout = 30s});
  REQUIRE(crowd.ready_threads() == 1000);
  const std::string pid = std::to_string(crowd.pid());

  const RunResult grouped = run_gmr({"dump", "--group", pid});
  INFO(grouped.err);
  REQUIRE(grouped.exit_code == cli::exit_complete);
  // Each group: a sub-header with its size, then "tids = …" and "names = …".
  std::vector<std::size_t> sizes;
  std::vector<std::string> names;
  std::vector<pid_t> all_tids;
  const auto lines = lines_of(grouped.out);
  for (std::size_t i = 0; i + 2 < lines.size(); ++i) {
    if (!lines[i].starts_with("------") || !lines[i + 1].starts_with("tids         = ")) continue;
    const auto tids = expand_ranges(lines[i + 1].substr(15));
    const std::string size = std::to_string(tids.size());
    CHECK(lines[i].find(" " + size + (tids.size() == 1 ? " thread " : " threads ")) != std::string::npos);
    sizes.push_back(tids.size());
    REQUIRE(lines[i + 2].starts_with("names        = "));
    names.push_back(lines[i + 2].substr(15));
    all_tids.insert(all_tids.end(), tids.begin(), tids.end());
  }
  CHECK(sizes == std::vector<std::size_t>{600, 300, 99, 1});
  CHECK(names == std::vector<std::string>{"\"crowd-read\" (600)", "\"crowd-sem\" (300)", "\"crowd-nap\" (99)",
                                          "\"fixture_crowd\" (1)"});
  std::ranges::sort(all_tids);
  CHECK(all_tids == thread_ids(crowd.pid()));
  CHECK(grouped.out.find("crowd_read") < grouped.out.find("crowd_sem"));

  const RunResult folded = run_gmr({"dump", "--format", "folded", pid});
  INFO(folded.err);
  REQUIRE(folded.exit_code == cli::exit_complete);
  std::size_t total = 0;
  std::map<std::string, std::size_t> by_function;
  for (const auto& line : lines_of(folded.out)) {
    const auto space = line.rfind(' ');
    REQUIRE(space != std::string::npos);
    const std::size_t count = std::stoul(line.substr(space + 1));
    total += count;
    CHECK(line.starts_with("fixture_crowd;"));
    for (const char* function : {";crowd_read;", ";crowd_sem;", ";crowd_nap;", ";main;"})
      if (line.find(function) != std::string::npos) by_function[function] += count;
  }
  CHECK(total == 1000);
  CHECK(lines_of(folded.out).size() == 4);
  CHECK(by_function == std::map<std::string, std::size_t>{
                           {";crowd_read;", 600}, {";crowd_sem;", 300}, {";crowd_nap;", 99}, {";main;", 1}});
  // Outermost first: the thread start before the fixture function before libc's blocking call.
  CHECK(folded.out.find("fixture_crowd;__clone3;start_thread;crowd_read;") != std::string::npos);

  const RunResult as_json = run_gmr({"dump", "--group", "--json", pid});
  INFO(as_json.err);
  REQUIRE(as_json.exit_code == cli::exit_complete);
  const auto check = check_schema(as_json.out);
  CHECK_MESSAGE(check.valid, check.problems);
  const auto doc = nlohmann::json::parse(as_json.out);
  std::vector<std::size_t> json_sizes;
  std::vector<pid_t> json_tids;
  for (const auto& group : doc["groups"]) {
    json_sizes.push_back(group["count"].get<std::size_t>());
    CHECK(group["tids"].size() == group["count"].get<std::size_t>());
    REQUIRE(group["names"].size() == 1);
    CHECK(group["names"][0]["count"] == group["count"]);
    CHECK(!group["frames"].empty());
    for (const auto& tid : group["tids"]) json_tids.push_back(tid.get<pid_t>());
  }
  CHECK(json_sizes == std::vector<std::size_t>{600, 300, 99, 1});
  std::ranges::sort(json_tids);
  CHECK(json_tids == thread_ids(crowd.pid()));
  CHECK(doc["groups"][0]["names"][0]["name"] == "crowd-read");
  CHECK(doc["threads"].size() == 1000);
}

TEST_CASE("--format accepts only the formats it knows, with the usage exit status") {
  const RunResult result = run_gmr({"dump", "--format", "xml", "1"});
  CHECK(result.exit_code == cli::exit_usage);
  CHECK(result.err.find("xml") != std::string::npos);
  CHECK(result.out.empty());
}

}  // TEST_SUITE
