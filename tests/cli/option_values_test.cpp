// The numeric option values and ids (cli/option_values.hpp): what is accepted, and the one message for
// everything else, bounds checked after the suffix so that nothing wraps into range.
#include <doctest/doctest.h>

#include <string>

#include "cli/option_values.hpp"

using namespace gmr::cli;
using namespace std::chrono_literals;

namespace {

constexpr SizeBounds stack = max_stack_bounds;

std::string size_error(std::string_view text) {
  const auto value = parse_size("--max-stack", text, stack);
  REQUIRE_MESSAGE(!value, text, " was accepted as ", value.value_or(0));
  return value.error();
}

}  // namespace

TEST_SUITE("cli::option_values") {
  TEST_CASE("sizes: digits with an optional K, M or G, powers of 1024") {
    CHECK(parse_size("--max-stack", "4096", stack) == 4096u);
    CHECK(parse_size("--max-stack", "512K", stack) == 512u * 1024);
    CHECK(parse_size("--max-stack", "512k", stack) == 512u * 1024);
    CHECK(parse_size("--max-stack", "8M", stack) == 8u << 20);
    CHECK(parse_size("--max-stack", "8MiB", stack) == 8u << 20);
    CHECK(parse_size("--max-stack", "8mb", stack) == 8u << 20);
    CHECK(parse_size("--max-stack", "1G", stack) == std::size_t{1} << 30);
    CHECK(parse_size("--max-stack", "4K", stack) == 4096u);
    CHECK(parse_size("--max-config-bytes", "1", max_config_bytes_bounds) == 1u);
    CHECK(parse_size("--max-config-bytes", "64M", max_config_bytes_bounds) == std::size_t{64} << 20);
  }

  TEST_CASE("sizes: negative, zero, 2^64, overflow after the suffix and every other spelling are refused") {
    CHECK(size_error("-1") == "--max-stack: '-1' is not a size in bytes: give 4K to 1G (a whole number, optionally "
                              "followed by K, M or G)");
    CHECK(size_error("0") == "--max-stack: '0' is too small: give 4K to 1G");
    CHECK(size_error("4095") == "--max-stack: '4095' is too small: give 4K to 1G");
    CHECK(size_error("18446744073709551616") == "--max-stack: '18446744073709551616' is too large: give 4K to 1G");
    CHECK(size_error("18446744073709551615") == "--max-stack: '18446744073709551615' is too large: give 4K to 1G");
    // 2^54 * 2^10 wraps to 0 in 64 bits; 17592186044417M wraps to 1M.
    CHECK(size_error("18014398509481984K") == "--max-stack: '18014398509481984K' is too large: give 4K to 1G");
    CHECK(size_error("17592186044417M") == "--max-stack: '17592186044417M' is too large: give 4K to 1G");
    CHECK(size_error("1025M") == "--max-stack: '1025M' is too large: give 4K to 1G");
    CHECK(size_error("2G") == "--max-stack: '2G' is too large: give 4K to 1G");
    for (const char* text : {"", "K", "abc", "0x1000", "1e6", "1.5K", "+4096", " 4096", "4096 ", "4 K", "4KK", "4T", "-0"})
      CHECK_MESSAGE(size_error(text).find("is not a size in bytes") != std::string::npos, "'", text, "'");
    CHECK(parse_size("--max-config-bytes", "0", max_config_bytes_bounds).error() ==
          "--max-config-bytes: '0' is too small: give 1 to 64M");
    CHECK(parse_size("--max-config-bytes", "-5", max_config_bytes_bounds).error().starts_with(
        "--max-config-bytes: '-5' is not a size in bytes"));
  }

  TEST_CASE("counts") {
    CHECK(parse_count("--max-frames", "1", 1, 100000) == 1u);
    CHECK(parse_count("--max-frames", "100000", 1, 100000) == 100000u);
    CHECK(parse_count("--max-frames", "0", 1, 100000).error() == "--max-frames: '0' is too small: give 1 to 100000");
    CHECK(parse_count("--max-frames", "100001", 1, 100000).error() ==
          "--max-frames: '100001' is too large: give 1 to 100000");
    CHECK(parse_count("--max-frames", "99999999999999999999999", 1, 100000).error() ==
          "--max-frames: '99999999999999999999999' is too large: give 1 to 100000");
    CHECK(parse_count("--max-frames", "-1", 1, 100000).error() ==
          "--max-frames: '-1' is not a whole number: give 1 to 100000");
    CHECK(parse_count("--max-frames", "abc", 1, 100000).error() ==
          "--max-frames: 'abc' is not a whole number: give 1 to 100000");
  }

  TEST_CASE("seconds: a number, with a fraction, rounded to milliseconds") {
    CHECK(parse_seconds("--timeout", "3", 0.001, 3600) == 3000ms);
    CHECK(parse_seconds("--timeout", "0.5", 0.001, 3600) == 500ms);
    CHECK(parse_seconds("--timeout", ".25", 0.001, 3600) == 250ms);
    CHECK(parse_seconds("--timeout", "2.", 0.001, 3600) == 2000ms);
    CHECK(parse_seconds("--timeout", "0.001", 0.001, 3600) == 1ms);
    CHECK(parse_seconds("--timeout", "3600", 0.001, 3600) == 3600000ms);
  }

  TEST_CASE("seconds: what is not a number says so, and the bounds are named") {
    const auto error = [](std::string_view text) {
      const auto value = parse_seconds("--timeout", text, 0.001, 3600);
      REQUIRE_MESSAGE(!value, text, " was accepted");
      return value.error();
    };
    CHECK(error("abc") == "--timeout: 'abc' is not a number of seconds: give 0.001 to 3600 seconds (for example 0.5)");
    for (const char* text : {"", ".", "-1", "+1", "nan", "inf", "1e3", "0x10", "1,5", "1.2.3", " 1", "1s"})
      CHECK_MESSAGE(error(text).find("is not a number of seconds") != std::string::npos, "'", text, "'");
    CHECK(error("0") == "--timeout: '0' is too small: give 0.001 to 3600 seconds");
    CHECK(error("0.0004") == "--timeout: '0.0004' is too small: give 0.001 to 3600 seconds");
    CHECK(error("3600.5") == "--timeout: '3600.5' is too large: give 0.001 to 3600 seconds");
    const std::string huge(400, '9');
    CHECK(error(huge) == "--timeout: '" + huge + "' is too large: give 0.001 to 3600 seconds");
  }

  TEST_CASE("ids: positive, and a number too large for a pid says so") {
    CHECK(parse_id("1", "process id") == 1);
    CHECK(parse_id("4194303", "process id") == 4194303);
    CHECK(parse_id("007", "thread id") == 7);
    CHECK(parse_id("abc", "process id").error() == "'abc' is not a process id (a positive decimal number)");
    CHECK(parse_id("0", "process id").error() == "'0' is not a process id (a positive decimal number)");
    CHECK(parse_id("-5", "thread id").error() == "'-5' is not a thread id (a positive decimal number)");
    CHECK(parse_id("4194304", "process id").error() == "'4194304' is too large to be a process id (at most 4194303)");
    CHECK(parse_id("99999999999", "process id").error() ==
          "'99999999999' is too large to be a process id (at most 4194303)");
    CHECK(parse_id("99999999999999999999999", "thread id").error() ==
          "'99999999999999999999999' is too large to be a thread id (at most 4194303)");
  }

  TEST_CASE("sizes are written as the man page writes them") {
    CHECK(format_size(4096) == "4K");
    CHECK(format_size(std::size_t{1} << 30) == "1G");
    CHECK(format_size(std::size_t{64} << 20) == "64M");
    CHECK(format_size(1536) == "1536");
    CHECK(format_size(1) == "1");
  }
}
