// A Python target's health across `gmr dump`, which reads its interpreter while it is frozen: after every
// dump it runs (no thread left in T/t), keeps the same threads and exits 0 when asked; a SIGSTOPped Python
// process is still stopped after the dump and SIGCONT resumes it. gil_busy.py keeps a thread running Python
// (holding the GIL) at the instant of the freeze, the hardest case for the walk. Signals sent meanwhile are
// not counted here as in target_health_test.cpp: CPython runs a Python handler once for any number of
// pending deliveries of a signal, so the target itself cannot count them exactly.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "support/process.hpp"
#include "symbolize/python/python_installs.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;
namespace pt = gmr::test::python;

std::string states_text(pid_t pid) {
  std::string text;
  for (auto [tid, state] : thread_states(pid)) text += std::to_string(tid) + ":" + state + " ";
  return text;
}

bool none_stopped(pid_t pid) {
  for (auto [tid, state] : thread_states(pid))
    if (state == 'T' || state == 't') return false;
  return true;
}

Fixture start(const pt::PythonInstall& install, const char* script, bool busy, const pt::TempDir& dir) {
  FixtureOptions options;
  options.prefix = {install.binary, fixture_source(std::string("python/") + script)};
  options.env = {"GMR_PY_EXPECT=" + dir.path() + "/expect.json"};
  options.wait_quiescent = !busy;
  options.timeout = 60s;
  return Fixture("python", options);  // the fixture ignores the path appended to the prefix
}

void check_dump(pid_t pid) {
  const RunResult result = run_gmr({"dump", std::to_string(pid)});
  INFO("gmr stderr: " << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK(result.out.find("Threads") != std::string::npos);
}

void check_exits_cleanly(Fixture& fixture) {
  const int status = fixture.close_stdin_and_wait(10s);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

}  // namespace

TEST_SUITE("e2e::python_health") {

TEST_CASE("gmr dump of a Python process with a thread running Python, three times: it runs on, same threads") {
  for (const auto& install : pt::installs_to_run()) {
    CAPTURE(install.label);
    pt::TempDir dir;
    Fixture fixture = start(install, "gil_busy.py", true, dir);
    const std::vector<pid_t> tids = thread_ids(fixture.pid());
    for (int round = 0; round < 3; ++round) {
      CAPTURE(round);
      check_dump(fixture.pid());
      INFO("states: " << states_text(fixture.pid()));
      CHECK(wait_until(1s, [&] { return none_stopped(fixture.pid()); }));
      CHECK(thread_ids(fixture.pid()) == tids);
    }
    check_exits_cleanly(fixture);
  }
}

TEST_CASE("a SIGSTOPped Python process is dumped and still stopped afterwards, and SIGCONT resumes it") {
  const auto installs = pt::installs_with_binary();
  const auto debian = std::ranges::find(installs, std::string(pt::required_binary), &pt::PythonInstall::binary);
  REQUIRE_MESSAGE(debian != installs.end(), pt::required_binary << " is missing: install the python3.11 package");
  pt::TempDir dir;
  Fixture fixture = start(*debian, "threads_nested.py", false, dir);
  const pid_t pid = fixture.pid();
  const std::vector<pid_t> tids = thread_ids(pid);
  REQUIRE(::kill(pid, SIGSTOP) == 0);
  auto all_group_stopped = [&] {
    auto states = thread_states(pid);
    for (auto [tid, state] : states)
      if (state != 'T') return false;
    return states.size() == tids.size();
  };
  REQUIRE_MESSAGE(wait_until(5s, all_group_stopped), "not stopped: " << states_text(pid));

  check_dump(pid);

  // Detaching a group-stopped tracee may show 'R' for a moment before 'T' (see target_health_test.cpp).
  CHECK_MESSAGE(wait_until(2s, all_group_stopped), "not stopped after the dump: " << states_text(pid));
  std::this_thread::sleep_for(200ms);
  CHECK_MESSAGE(all_group_stopped(), "resumed after the dump: " << states_text(pid));
  CHECK(thread_ids(pid) == tids);

  REQUIRE(::kill(pid, SIGCONT) == 0);
  CHECK(wait_until(2s, [&] { return none_stopped(pid); }));
  CHECK(thread_ids(pid) == tids);
  check_exits_cleanly(fixture);
}

}  // TEST_SUITE
