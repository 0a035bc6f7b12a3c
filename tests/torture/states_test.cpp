// Torture 5 and 6: threads that will not stop, and targets in odd states.
//   - a vfork parent (uninterruptible sleep): --timeout is honoured, the report marks the thread not frozen
//     and shows the syscall /proc gave for it; everything else is dumped.
//   - two gmr at once on one target (20 trials; 200 with GMR_LONG=1): each either dumps it or says who
//     traces it, and the target is let go. (Already traced by another tracer, SIGSTOPped and zombie targets
//     are in tests/e2e/bad_input_test.cpp and tests/e2e/target_health_test.cpp.)
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <thread>

#include "cli/exit_codes.hpp"
#include "support/process.hpp"
#include "torture/torture.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;

/// The lines of the report's section for thread `tid`, up to the next thread.
std::string thread_section(const std::string& report, pid_t tid) {
  const auto begin = report.find("Thread " + std::to_string(tid) + " ");
  if (begin == std::string::npos) return "";
  const auto end = report.find("\nThread ", begin + 1);
  return report.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

}  // namespace

TEST_SUITE("torture::states") {

TEST_CASE("a vfork parent in uninterruptible sleep: --timeout honoured, marked not frozen with its syscall") {
  Fixture fixture("fixture_torture", {.args = {"vfork"}, .wait_quiescent = false});
  const pid_t pid = fixture.pid();
  REQUIRE(wait_until(5s, [&] {
    auto states = thread_states(pid);
    return states.size() == 2 && states.at(pid) == 'D';
  }));
  const pid_t parked = thread_ids(pid).back();
  const RunResult result = run_gmr({"dump", "--timeout", "0.5", std::to_string(pid)}, 20s);
  INFO("stderr: ", result.err);
  INFO(result.out);
  CHECK(result.exit_code == cli::exit_partial);
  CHECK(result.out.find("did not stop within 500 ms") != std::string::npos);
  const std::string leader = thread_section(result.out, pid);
  CHECK(leader.find("not frozen") != std::string::npos);
  CHECK(leader.find("vfork") != std::string::npos);  // /proc/PID/syscall: blocked in vfork (58)
  const std::string other = thread_section(result.out, parked);
  CHECK(other.find("not frozen") == std::string::npos);
  CHECK(other.find("parked") != std::string::npos);
  CHECK_MESSAGE(wait_let_go(pid), "states: ", states_text(pid));
  // The vfork child reads one line and exits; then the parent serves commands again.
  CHECK(fixture.command("go\nthreads") == "2");
}

TEST_CASE("two gmr at once on one target: each dumps it or names the other tracer, and the target is let go") {
  const int trials = count(20, 200);
  Fixture fixture("fixture_torture", {.args = {"many", "100"}});
  const pid_t pid = fixture.pid();
  const std::vector<pid_t> tids = thread_ids(pid);
  std::map<std::string, int> outcomes;
  int both_failed = 0;
  for (int i = 0; i < trials; ++i) {
    RunResult results[2];
    std::thread second([&] { results[1] = run_gmr({"dump", std::to_string(pid)}); });
    results[0] = run_gmr({"dump", std::to_string(pid)});
    second.join();
    int dumped = 0;
    std::string key;
    for (const RunResult& r : results) {
      INFO("exit ", r.exit_code, " stderr: ", r.err);
      key += std::to_string(r.exit_code) + "/";
      if (r.exit_code == cli::exit_complete) {
        ++dumped;
        CHECK(r.out.find("Thread " + std::to_string(pid) + " ") != std::string::npos);
      } else {
        CHECK(r.exit_code == cli::exit_no_report);
        CHECK(r.err.starts_with("gmr: "));
        CHECK(r.err.find("already traced by pid") != std::string::npos);
      }
    }
    ++outcomes[key];
    both_failed += dumped == 0;
    REQUIRE_MESSAGE(wait_let_go(pid), "states: ", states_text(pid));
  }
  CHECK(both_failed == 0);  // both start with the leader: whoever seizes it first wins
  CHECK(thread_ids(pid) == tids);
  CHECK(fixture.command("threads") == "100");
  std::string text;
  for (auto [key, n] : outcomes) text += key + ":" + std::to_string(n) + " ";
  report_figures("two_gmr", "trials=" + std::to_string(trials) + " both_refused=" + std::to_string(both_failed) +
                                " outcomes(first/second)=" + text);
}

}  // TEST_SUITE
