#include "symbolize/python/running_fixture.hpp"

#include <doctest/doctest.h>

#include <sys/wait.h>

namespace gmr::test::python {

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
