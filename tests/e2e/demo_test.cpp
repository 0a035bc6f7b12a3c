// The README's demo service (tests/fixtures/demo.cpp) is dumped completely by the real binary, with its
// named threads and their frames, and keeps running.
#include <doctest/doctest.h>

#include <string>

#include "cli/exit_codes.hpp"
#include "support/process.hpp"

using namespace gmr;
using namespace gmr::test;

TEST_SUITE("e2e::demo") {

TEST_CASE("gmr dump of gmr_demo: complete, every named thread, the pool's frames, demo still running") {
  // 60 s is only a safety net: the Fixture kills it at the end of the test.
  Fixture demo("gmr_demo", {.args = {"60"}, .ready_prefix = "gmr-demo pid ", .wait_quiescent = false});
  CHECK(demo.ready_line() == "gmr-demo pid " + std::to_string(demo.pid()));
  // 7 threads: main, 3 workers, ticker, holder, blocked; wait until all are named (they name themselves).
  REQUIRE(wait_until(5s, [&] {
    const auto tids = thread_ids(demo.pid());
    if (tids.size() != 7) return false;
    for (pid_t tid : tids)
      if (tid != demo.pid() && !thread_name(demo.pid(), tid).value_or("").starts_with("demo-")) return false;
    return true;
  }));
  const auto tids = thread_ids(demo.pid());

  const RunResult result = run_gmr({"dump", std::to_string(demo.pid())});
  INFO("stderr: ", result.err);
  CHECK(result.exit_code == cli::exit_complete);
  for (const char* name : {"demo-worker-0", "demo-worker-1", "demo-worker-2", "demo-ticker", "demo-holder",
                           "demo-blocked"})
    CHECK_MESSAGE(result.out.find(std::string("\"") + name + "\"") != std::string::npos, "no thread ", name);
  CHECK(result.out.find("demo::JobQueue::take()") != std::string::npos);
  CHECK(result.out.find("demo.cpp:") != std::string::npos);

  CHECK(thread_ids(demo.pid()) == tids);
  CHECK(process_state(demo.pid()).has_value());
  for (auto [tid, state] : thread_states(demo.pid())) CHECK((state != 't' && state != 'T'));
}

}  // TEST_SUITE
