// The exit-code contract for several pids: a total order, the worst wins (gmr(1) EXIT STATUS).
#include <doctest/doctest.h>

#include <signal.h>

#include <vector>

#include "cli/exit_codes.hpp"

using namespace gmr::cli;

TEST_SUITE("cli::exit_codes") {
  TEST_CASE("the worst of several pids follows 128+N > 70 > 64 > 5 > 4 > 3 > 2 > 1 > 0") {
    const std::vector<int> ascending{exit_complete,   exit_partial,  exit_no_report, exit_no_such_process,
                                     exit_permission, exit_deadlock, exit_usage,     exit_internal,
                                     exit_interrupted_base + SIGINT};
    for (std::size_t i = 0; i < ascending.size(); ++i)
      for (std::size_t j = 0; j < ascending.size(); ++j) {
        CAPTURE(ascending[i]);
        CAPTURE(ascending[j]);
        const int expected = ascending[std::max(i, j)];
        CHECK(worst_exit_code(ascending[i], ascending[j]) == expected);
      }
  }

  TEST_CASE("interrupted codes are recognised and the first signal received is kept") {
    CHECK(is_interrupted(130));
    CHECK(is_interrupted(143));
    CHECK_FALSE(is_interrupted(exit_internal));
    CHECK_FALSE(is_interrupted(exit_complete));
    CHECK(worst_exit_code(130, 143) == 130);
  }

  TEST_CASE("the codes are the documented numbers") {
    CHECK(exit_complete == 0);
    CHECK(exit_partial == 1);
    CHECK(exit_no_report == 2);
    CHECK(exit_no_such_process == 3);
    CHECK(exit_permission == 4);
    CHECK(exit_deadlock == 5);
    CHECK(exit_usage == 64);
    CHECK(exit_internal == 70);
  }
}
