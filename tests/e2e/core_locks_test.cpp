// gmr report on gdb's gcore of the lock fixtures, through the real binary: the lock analysis takes the
// words blocked threads wait on from the core's memory, so every wait is classified as in the live dump
// (mutex owners, the deadlock cycle, poll's fds); where a waited fd pointed is not in such a core, and the
// report says it is unknown rather than "closed since".
#include <doctest/doctest.h>

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.hpp"
#include "support/json_schema.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;
using nlohmann::json;

struct Reports {
  RunResult live;
  RunResult core;  // gmr report --json of the gcore taken right after the live dump
  std::string core_path;
};

Reports live_and_gcore(const Fixture& fixture, const TempDir& dir) {
  const std::string pid = std::to_string(fixture.pid());
  Reports r;
  // A first stop turns the timed waits (poll with a timeout, clock_nanosleep) into restart_syscall: after
  // it, the live dump and gcore both see them restarted.
  REQUIRE(run_gmr({"dump", "--sections", "threads", pid}, 60s).exit_code != cli::exit_no_report);
  r.live = run_gmr({"dump", "--json", "--no-source", pid}, 60s);
  const std::string prefix = (dir.path / "gcore").string();
  const RunResult gcore = run_command({"gcore", "-o", prefix, pid}, 120s);
  INFO("gcore: ", gcore.out, gcore.err);
  REQUIRE(gcore.exit_code == 0);
  r.core_path = prefix + "." + pid;
  r.core = run_gmr({"report", "--json", "--no-source", r.core_path}, 60s);
  return r;
}

/// tid -> the wait of a JSON report without what a core cannot hold (where fds point) or name alike.
std::map<pid_t, json> waits_of(const json& report) {
  std::map<pid_t, json> waits;
  for (const auto& thread : report.at("threads")) {
    json wait = thread.at("wait");
    if (wait.is_object())
      for (auto& fd : wait.at("fds")) fd.erase("target");
    waits[thread.at("tid").get<pid_t>()] = wait;
  }
  return waits;
}

}  // namespace

TEST_SUITE("e2e::core") {

TEST_CASE("gmr report of a gcore of a deadlock finds the live dump's waits, owners and cycle") {
  Fixture fixture("fixture_locks", {.args = {"inversion"}});
  TempDir dir("lockcore");
  const Reports r = live_and_gcore(fixture, dir);
  INFO("stderr: ", r.core.err);
  CHECK(r.live.exit_code == cli::exit_deadlock);
  CHECK(r.core.exit_code == cli::exit_deadlock);
  const auto check = check_schema(r.core.out);
  CHECK_MESSAGE(check.valid, check.problems);
  const json live = json::parse(r.live.out);
  const json core = json::parse(r.core.out);
  CHECK(core.at("deadlocks") == live.at("deadlocks"));
  CHECK(waits_of(core) == waits_of(live));
}

TEST_CASE("gmr report of a gcore: fd waits classified as live, where each fd pointed unknown") {
  Fixture fixture("fixture_locks", {.args = {"fds"}});
  TempDir dir("lockcore");
  const Reports r = live_and_gcore(fixture, dir);
  INFO("stderr: ", r.core.err);
  REQUIRE(r.core.exit_code == cli::exit_complete);
  const json live = json::parse(r.live.out);
  const json core = json::parse(r.core.out);
  CHECK(waits_of(core) == waits_of(live));
  std::size_t fds = 0;
  for (const auto& thread : core.at("threads"))
    if (thread.at("wait").is_object())
      for (const auto& fd : thread.at("wait").at("fds")) {
        CHECK(fd.at("target").is_null());
        ++fds;
      }
  CHECK(fds >= 5);  // read, recvfrom, accept, epoll_wait, and poll's two
  const RunResult text = run_gmr({"report", "--no-source", r.core_path}, 60s);
  CHECK(text.out.find("closed since") == std::string::npos);
  CHECK(text.out.find("(fd 0: unknown)") != std::string::npos);  // the main thread reads stdin
}

}  // TEST_SUITE
