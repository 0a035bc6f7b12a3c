// The one state-letter table, against proc(5) and against what the kernel itself prints in "State:".
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "attach/base/proc_state.hpp"
#include "attach/base/read_file.hpp"

using gmr::attach::proc_state_name;

TEST_SUITE("attach::base::proc_state") {
  TEST_CASE("state letters are named as proc(5) names them") {
    const std::pair<char, std::string_view> named[] = {
        {'R', "running"}, {'S', "sleeping"}, {'D', "disk sleep"}, {'T', "stopped"}, {'t', "tracing stop"},
        {'Z', "zombie"},  {'X', "dead"},     {'x', "dead"},       {'I', "idle"},    {'P', "parked"},
        {'W', "waking"},  {'K', "wakekill"},
    };
    for (const auto& [letter, name] : named) {
      CAPTURE(letter);
      CHECK(proc_state_name(letter) == std::optional<std::string_view>(name));
    }
    CHECK_FALSE(proc_state_name('?').has_value());
    CHECK_FALSE(proc_state_name('\0').has_value());
  }

  TEST_CASE("the name matches the one the kernel prints next to the letter in /proc/PID/status") {
    // "State:\tR (running)": a thread reading its own status is running.
    const auto status = gmr::attach::read_file("/proc/self/status");
    REQUIRE(status.has_value());
    const std::size_t at = status->find("\nState:\t");
    REQUIRE(at != std::string::npos);
    const std::string line = status->substr(at + 8, status->find('\n', at + 8) - (at + 8));
    REQUIRE(line.size() > 4);
    const auto name = proc_state_name(line[0]);
    REQUIRE(name.has_value());
    CHECK(line == std::string(1, line[0]) + " (" + std::string(*name) + ")");
  }

  static_assert(proc_state_name('S') == std::optional<std::string_view>("sleeping"), "usable at compile time");
}
