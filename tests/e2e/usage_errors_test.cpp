// Bad command lines through the real binary: exit 64, nothing on stdout, and exactly the one line that names
// what was wrong and what is accepted. Each runs against a live fixture, so a value gmr wrongly accepted
// would dump it (and exit 0, 1, or crash) instead.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "cli/exit_codes.hpp"
#include "support/process.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;

/// `args` with "PID" replaced by `pid`.
std::vector<std::string> with_pid(std::vector<std::string> args, pid_t pid) {
  for (auto& arg : args)
    if (arg == "PID") arg = std::to_string(pid);
  return args;
}

void check_usage_error(const std::vector<std::string>& args, const std::string& message) {
  std::string line;
  for (const auto& arg : args) line += arg + " ";
  CAPTURE(line);
  const RunResult result = run_gmr(args);
  INFO("stdout: ", result.out);
  CHECK(result.exit_code == cli::exit_usage);
  CHECK(result.out.empty());
  CHECK(result.err == "gmr: " + message + "\n");
}

}  // namespace

TEST_SUITE("e2e::usage_errors") {

TEST_CASE("numeric options: negative, zero, 2^64, overflow after a suffix, not a number — each refused by name") {
  Fixture fixture("fixture_threads_c");
  const std::string size_syntax = " (a whole number, optionally followed by K, M or G)";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      // Once 2^64-1: the heap was corrupted (free(): invalid next size) or gmr died of SIGSEGV.
      {{"dump", "--max-stack", "-1", "PID"}, "--max-stack: '-1' is not a size in bytes: give 4K to 1G" + size_syntax},
      {{"dump", "--max-stack=-1", "PID"}, "--max-stack: '-1' is not a size in bytes: give 4K to 1G" + size_syntax},
      {{"dump", "--max-stack", "18446744073709551616", "PID"},
       "--max-stack: '18446744073709551616' is too large: give 4K to 1G"},
      {{"dump", "--max-stack", "17592186044417M", "PID"}, "--max-stack: '17592186044417M' is too large: give 4K to 1G"},
      {{"dump", "--max-stack", "0", "PID"}, "--max-stack: '0' is too small: give 4K to 1G"},
      {{"dump", "--max-stack", "0x10", "PID"},
       "--max-stack: '0x10' is not a size in bytes: give 4K to 1G" + size_syntax},
      // Once accepted silently.
      {{"dump", "--max-config-bytes", "-5", "PID"},
       "--max-config-bytes: '-5' is not a size in bytes: give 1 to 64M" + size_syntax},
      {{"dump", "--max-config-bytes", "0", "PID"}, "--max-config-bytes: '0' is too small: give 1 to 64M"},
      {{"dump", "--max-frames", "0", "PID"}, "--max-frames: '0' is too small: give 1 to 100000"},
      {{"dump", "--max-frames", "-1", "PID"}, "--max-frames: '-1' is not a whole number: give 1 to 100000"},
      // Once "Value abc not in range 0.001000 to 3600.000000"; "nan" was accepted.
      {{"dump", "--timeout", "abc", "PID"},
       "--timeout: 'abc' is not a number of seconds: give 0.001 to 3600 seconds (for example 0.5)"},
      {{"dump", "--timeout", "nan", "PID"},
       "--timeout: 'nan' is not a number of seconds: give 0.001 to 3600 seconds (for example 0.5)"},
      {{"dump", "--timeout", "0", "PID"}, "--timeout: '0' is too small: give 0.001 to 3600 seconds"},
      {{"dump", "--timeout", "7200", "PID"}, "--timeout: '7200' is too large: give 0.001 to 3600 seconds"},
  };
  for (const auto& [args, message] : cases) check_usage_error(with_pid(args, fixture.pid()), message);
  CHECK(parse_signals(fixture.command("signals")) == std::pair<int, int>{0, 0});
}

TEST_CASE("ids too large for a pid say so") {
  Fixture fixture("fixture_threads_c");
  check_usage_error({"dump", "99999999999"}, "'99999999999' is too large to be a process id (at most 4194303)");
  check_usage_error({"dump", "4194304"}, "'4194304' is too large to be a process id (at most 4194303)");
  check_usage_error({"dump", "0"}, "'0' is not a process id (a positive decimal number)");
  check_usage_error(with_pid({"dump", "--threads", "99999999999", "PID"}, fixture.pid()),
                    "--threads: '99999999999' is too large to be a thread id (at most 4194303)");
}

TEST_CASE("commands and options gmr does not know are named, with a suggestion where one is close") {
  Fixture fixture("fixture_threads_c");
  const std::string pid = std::to_string(fixture.pid());
  check_usage_error({"dum", pid}, "unknown command 'dum' (did you mean 'dump'?)");
  check_usage_error({"dumpp", pid}, "unknown command 'dumpp' (did you mean 'dump'?)");
  check_usage_error({"frobnicate"}, "unknown command 'frobnicate': the commands are dump, report (see gmr --help)");
  check_usage_error({}, "a command is required, such as: gmr dump PID (see gmr --help)");
  check_usage_error({"--bogus"}, "unknown option '--bogus' (see gmr --help)");
  check_usage_error({"dump", "--bogus", pid}, "unknown option '--bogus' (see gmr dump --help)");
  check_usage_error({"dump"}, "gmr dump needs at least one PID (see gmr dump --help)");
  check_usage_error({"dump", pid, "--timeout"}, "--timeout needs a value (see gmr dump --help)");
  check_usage_error({"dump", "--json", "--format", "text", pid},
                    "--format cannot be combined with --json (see gmr dump --help)");
  check_usage_error({"dump", "--format", "xml", pid}, "--format: unknown format 'xml': give text, json, folded");
  CHECK(parse_signals(fixture.command("signals")) == std::pair<int, int>{0, 0});
}

TEST_CASE("--help states the bounds of every numeric option") {
  const RunResult help = run_gmr({"dump", "--help"});
  REQUIRE(help.exit_code == 0);
  for (const char* bounds : {"0.001 to 3600", "4K to 1G", "1 to 100000", "1 to 64M"})
    CHECK_MESSAGE(help.out.find(bounds) != std::string::npos, bounds);
}

}  // TEST_SUITE
