// gmr(1) must format without a single groff warning. Needs groff (Debian package groff-base).
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace {

struct CommandResult {
  int status = -1;
  std::string output;
};

CommandResult run_shell(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) result.output.append(buffer, n);
  result.status = ::pclose(pipe);
  return result;
}

}  // namespace

TEST_SUITE("man") {
  TEST_CASE("gmr.1 formats with groff -man -ww without warnings") {
    REQUIRE_MESSAGE(run_shell("command -v groff >/dev/null 2>&1").status == 0,
                    "groff not found: install the Debian package groff-base");
    const std::string page = std::string{GMR_SOURCE_DIR} + "/man/gmr.1";
    // The pipe carries groff's stderr alone (-z discards the formatted page; stdout goes to /dev/null anyway).
    const auto result = run_shell("groff -man -ww -z '" + page + "' 2>&1 >/dev/null");
    CHECK_MESSAGE(result.output.empty(), result.output);
    CHECK(WIFEXITED(result.status));
    CHECK(WEXITSTATUS(result.status) == 0);
  }
}
