#include <doctest/doctest.h>

#include <chrono>

#include "report/render/format.hpp"

namespace report = gmr::report;
using namespace std::chrono;

TEST_SUITE("report::format") {
  TEST_CASE("addresses are 0x plus 16 lowercase hex digits, other numbers are unpadded hex") {
    CHECK(report::format_address(0x7f3a1c91e0a6) == "0x00007f3a1c91e0a6");
    CHECK(report::format_address(0) == "0x0000000000000000");
    CHECK(report::format_address(~0ULL) == "0xffffffffffffffff");
    CHECK(report::format_hex(0x56) == "0x56");
    CHECK(report::format_hex(0) == "0x0");
  }

  TEST_CASE("durations have exactly three decimals, rounded half away from zero") {
    CHECK(report::format_milliseconds(nanoseconds{274'391}) == "0.274 ms");
    CHECK(report::format_milliseconds(nanoseconds{999'500}) == "1.000 ms");
    CHECK(report::format_milliseconds(nanoseconds{0}) == "0.000 ms");
    CHECK(report::format_milliseconds(seconds{2}) == "2000.000 ms");
    CHECK(report::format_milliseconds(nanoseconds{-1'500}) == "-0.002 ms");
    CHECK(report::format_seconds(microseconds{1'250'000}) == "1.250 s");
    CHECK(report::format_seconds(microseconds{339'500}) == "0.340 s");
  }

  TEST_CASE("timestamps are RFC 3339 UTC with microseconds") {
    const auto t = sys_days{year{2024} / 5 / 1} + hours{12} + minutes{3} + seconds{4} + microseconds{56};
    CHECK(report::format_utc_timestamp(t) == "2024-05-01T12:03:04.000056Z");
    CHECK(report::format_utc_timestamp(system_clock::time_point{}) == "1970-01-01T00:00:00.000000Z");
  }

  TEST_CASE("state letters are named as the kernel names them") {
    CHECK(report::format_state('S', std::nullopt) == "S (sleeping)");
    CHECK(report::format_state('D', std::nullopt) == "D (disk sleep)");
    CHECK(report::format_state('t', std::nullopt) == "t (tracing stop)");
    CHECK(report::format_state('S', std::string{"idle-ish"}) == "S (idle-ish)");
    CHECK(report::format_state('?', std::nullopt) == "?");
    CHECK(report::format_state(std::nullopt, std::string{"zombie"}) == "zombie");
    CHECK(report::format_state(std::nullopt, std::nullopt) == "unknown");
  }

  TEST_CASE("text from the target cannot inject control characters") {
    CHECK(report::printable("a\nb\x1b[0m\x7f") == "a\\x0ab\\x1b[0m\\x7f");
    CHECK(report::printable("Grüße") == "Grüße");
  }

  TEST_CASE("command lines are shell-quoted only where needed") {
    CHECK(report::format_command_line({}) == "");
    CHECK(report::format_command_line({"/usr/bin/redis-server", "127.0.0.1:6379"}) ==
          "/usr/bin/redis-server 127.0.0.1:6379");
    CHECK(report::format_command_line({"sh", "-c", "echo 'hi'", ""}) == "sh -c 'echo '\\''hi'\\''' ''");
    CHECK(report::format_command_line({"redis-server", "*:6379"}) == "redis-server '*:6379'");
  }

  TEST_CASE("a command line of one argument, a rewritten title, is shown as ps shows it") {
    CHECK(report::format_command_line({"postgres: app appdb [local] idle"}) == "postgres: app appdb [local] idle");
    CHECK(report::format_command_line({"/usr/bin/redis-server *:6379"}) == "/usr/bin/redis-server *:6379");
    CHECK(report::format_command_line({"a\nb"}) == "a\\x0ab");
  }
}
