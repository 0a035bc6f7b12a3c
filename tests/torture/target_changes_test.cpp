// Torture 4: the target dies or changes while it is being dumped — it exits, execs, is killed (6 trials each; 100 with GMR_LONG=1) — and a
// process whose group leader has exited while its other threads live. gmr must give a report (complete or
// partial) or one clean error line with a documented code, within its deadline, never hang; a target that
// lives on (the exec) is let go.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <map>
#include <random>

#include "cli/exit_codes.hpp"
#include "support/process.hpp"
#include "torture/torture.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;

std::string outcomes_text(const std::map<int, int>& outcomes) {
  std::string text;
  for (auto [code, n] : outcomes) text += (text.empty() ? "" : ",") + std::to_string(code) + ":" + std::to_string(n);
  return text;
}

void check_outcome(const RunResult& result) {
  INFO("exit ", result.exit_code, " stderr: ", result.err);
  const int code = result.exit_code;
  CHECK((code == cli::exit_complete || code == cli::exit_partial || code == cli::exit_no_report ||
         code == cli::exit_no_such_process));
  if (code == cli::exit_complete || code == cli::exit_partial) {
    CHECK(result.out.find("Threads") != std::string::npos);
  } else {
    CHECK(result.out.empty());
    CHECK(result.err.starts_with("gmr: "));
    CHECK(result.err.find('\n') == result.err.size() - 1);
  }
}

}  // namespace

TEST_SUITE("torture::target_changes") {

TEST_CASE("the target exits, execs or is killed at a random moment of the dump: a report or a clean error, no hang") {
  const int trials = count(6, 100);
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<long> moment(0, 40000);  // µs; a dump of this 50-thread target takes ~20-60 ms here
  for (const std::string change : {"exit", "exec", "kill"}) {
    CAPTURE(change);
    std::map<int, int> outcomes;
    for (int i = 0; i < trials; ++i) {
      Fixture fixture("fixture_torture", {.args = {"many", "50"}});
      const pid_t pid = fixture.pid();
      REQUIRE(fixture.command(change + "-after " + std::to_string(moment(random))) == "ok");
      // --timeout: a thread that vanished mid-freeze must not keep gmr waiting past its deadline.
      const RunResult result = run_gmr({"dump", "--timeout", "2", std::to_string(pid)}, 30s);
      ++outcomes[result.exit_code];
      check_outcome(result);
      if (change == "exec") {
        // The new program ("many 3") prints its ready line, runs untraced and unstopped, and answers.
        CHECK(fixture.read_line(10s) == "ready 3");
        CHECK(wait_quiescent(pid, 3));
        CHECK_MESSAGE(wait_let_go(pid), "states: ", states_text(pid));
        CHECK(fixture.command("threads") == "3");
      } else {
        // A dump can end before the chosen moment (with a warm frame cache it takes ~10 ms): EOF would then
        // end the target before its SIGKILL, so the kill is awaited first.
        if (change == "kill") CHECK(wait_until(5s, [&] { return process_state(pid) == std::optional<char>('Z'); }));
        const int status = fixture.close_stdin_and_wait(10s);
        if (change == "exit") CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
        if (change == "kill") CHECK((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
      }
    }
    report_figures("target_changes", change + " trials=" + std::to_string(trials) +
                                         " exit_codes=" + outcomes_text(outcomes) + " hangs=0");
  }
}

TEST_CASE("the group leader has exited while its other threads live: they are dumped, the target runs on") {
  Fixture fixture("fixture_torture", {.args = {"leader-exit", "5"}, .wait_quiescent = false});
  const pid_t pid = fixture.pid();
  REQUIRE(wait_until(5s, [&] { return process_state(pid) == std::optional<char>('Z'); }));
  const std::vector<pid_t> tids = thread_ids(pid);
  REQUIRE(tids.size() == 5);
  const RunResult result = run_gmr({"dump", std::to_string(pid)});
  INFO("stderr: ", result.err);
  INFO(result.out);
  CHECK((result.exit_code == cli::exit_complete || result.exit_code == cli::exit_partial));
  for (pid_t tid : tids)
    if (tid != pid) CHECK(result.out.find("Thread " + std::to_string(tid) + " ") != std::string::npos);
  CHECK_MESSAGE(wait_let_go(pid), "states: ", states_text(pid));
  CHECK(thread_ids(pid) == tids);
  CHECK(fixture.command("threads") == "5");
}

}  // TEST_SUITE
