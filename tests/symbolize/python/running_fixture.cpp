#include "symbolize/python/running_fixture.hpp"

#include <doctest/doctest.h>

#include <sys/wait.h>

#include "support/temp_dir.hpp"

namespace gmr::test::python {

std::unique_ptr<RunningFixture> start_plain_fixture(const std::string& binary, const PlainFixture& fixture) {
  using namespace std::chrono_literals;
  auto running = std::make_unique<RunningFixture>();
  const std::string expect = running->dir.path() + "/expect.json";
  FixtureOptions options;
  options.prefix = {binary, fixture_source(std::string("python/") + fixture.script)};
  options.args = fixture.args;
  options.env = {"GMR_PY_EXPECT=" + expect};
  options.wait_quiescent = !fixture.busy;
  options.timeout = 60s;
  running->fixture = std::make_unique<Fixture>("python", options);  // the fixture ignores the appended path
  running->expected = nlohmann::json::parse(read_text(expect));
  running->tids = thread_ids(running->fixture->pid());
  return running;
}

void check_unharmed(RunningFixture& running) {
  Fixture& fixture = *running.fixture;
  CHECK(wait_until(1s, [&] {
    for (auto [tid, state] : thread_states(fixture.pid()))
      if (state == 'T' || state == 't') return false;
    return true;
  }));
  CHECK(thread_ids(fixture.pid()) == running.tids);
  const int status = fixture.close_stdin_and_wait(10s);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

}  // namespace gmr::test::python
