// The bash completion script (cli/gmr-completion.bash), sourced in a real bash: subcommands, options,
// option values, pids by number and by process name, thread ids.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace {

using namespace gmr::test;

/// COMPREPLY after completing the last of `words` (the word being completed, possibly "").
std::vector<std::string> complete(const std::vector<std::string>& words) {
  const std::string script = std::string{GMR_SOURCE_DIR} + "/cli/gmr-completion.bash";
  std::vector<std::string> argv{"bash", "--norc", "--noprofile", "-c",
                                "source \"$0\" || exit 9; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _gmr; "
                                "printf '%s\\n' \"${COMPREPLY[@]}\"",
                                script};
  argv.insert(argv.end(), words.begin(), words.end());
  const RunResult result = run_command(argv);
  INFO("stderr: ", result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.empty());
  std::vector<std::string> reply;
  std::istringstream in(result.out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) reply.push_back(line);
  return reply;
}

bool offers(const std::vector<std::string>& reply, const std::string& value) {
  return std::ranges::find(reply, value) != reply.end();
}

/// A pid is offered bare (the only candidate) or as "PID NAME" among several.
bool offers_id(const std::vector<std::string>& reply, pid_t id, const std::string& name) {
  const std::string bare = std::to_string(id);
  return reply == std::vector<std::string>{bare} || offers(reply, bare + " " + name);
}

}  // namespace

TEST_SUITE("cli::completion") {
  TEST_CASE("completes the subcommand") {
    CHECK(complete({"gmr", "d"}) == std::vector<std::string>{"dump"});
    CHECK(complete({"gmr", ""}) == std::vector<std::string>{"dump", "report"});
    CHECK(complete({"gmr", "r"}) == std::vector<std::string>{"report"});
    CHECK(complete({"gmr", "--v"}) == std::vector<std::string>{"--version"});
  }

  TEST_CASE("completes options of dump, and their values") {
    CHECK(complete({"gmr", "dump", "--ou"}) == std::vector<std::string>{"--output-dir"});
    const auto max = complete({"gmr", "dump", "--max-"});
    CHECK(std::set<std::string>(max.begin(), max.end()) ==
          std::set<std::string>{"--max-frames", "--max-stack", "--max-config-bytes"});
    CHECK(complete({"gmr", "dump", "--format", "j"}) == std::vector<std::string>{"json"});
    CHECK(complete({"gmr", "dump", "--format", "=", "t"}) == std::vector<std::string>{"text"});
    CHECK(complete({"gmr", "dump", "--sections", "threads,p"}) ==
          std::vector<std::string>{"threads,package", "threads,processes"});
    CHECK(complete({"gmr", "dump", "--sections", "c"}) == std::vector<std::string>{"configuration", "custom"});
    CHECK(complete({"gmr", "dump", "--max-frames", ""}).empty());
    CHECK(complete({"gmr", "dump", "--no-r"}) == std::vector<std::string>{"--no-report"});
    CHECK(complete({"gmr", "report", "--sys"}) == std::vector<std::string>{"--sysroot"});
    CHECK(complete({"gmr", "report", "--format", "f"}) == std::vector<std::string>{"folded"});
  }

  TEST_CASE("every option of gmr dump --help is completed") {
    const auto help = run_gmr({"dump", "--help"});
    REQUIRE(help.exit_code == 0);
    const auto offered = complete({"gmr", "dump", "--"});
    // The options are the first word of their --help lines ("  -h,--help", "  --timeout SECONDS…"); other
    // "--words" in descriptions are not gmr's (the target's --config-file).
    const std::regex option{R"(^  (?:-[a-z],)?(--[a-z][a-z-]*))", std::regex::multiline};
    std::size_t count = 0;
    for (std::sregex_iterator it{help.out.begin(), help.out.end(), option}, end; it != end; ++it, ++count)
      CHECK_MESSAGE(offers(offered, (*it)[1].str()), (*it)[1].str(), " is not completed");
    CHECK(count >= 10);
  }

  TEST_CASE("completes a pid by its digits and by its process name, showing names") {
    Fixture fixture("fixture_threads_c");
    const std::string pid = std::to_string(fixture.pid());
    // All of its digits: the pid itself, maybe among longer pids that start the same.
    CHECK(offers_id(complete({"gmr", "dump", pid}), fixture.pid(), "fixture_threads"));
    // Its name (comm is cut to 15 bytes): among the processes of that name, shown as "PID NAME".
    const auto by_name = complete({"gmr", "dump", "fixture_thr"});
    CHECK_MESSAGE(offers_id(by_name, fixture.pid(), "fixture_threads"), by_name.size(), " candidates");
    if (by_name.size() > 1)
      for (const auto& candidate : by_name) CHECK(candidate.find(" fixture_threads") != std::string::npos);
    // Kernel threads have nothing to dump and are not offered.
    CHECK_FALSE(offers_id(complete({"gmr", "dump", "kthreadd"}), 2, "kthreadd"));
  }

  TEST_CASE("completes --threads with the thread ids of the pid on the line, showing thread names") {
    Fixture fixture("fixture_threads_c");
    const auto tids = thread_ids(fixture.pid());
    const auto reply = complete({"gmr", "dump", std::to_string(fixture.pid()), "--threads", ""});
    CHECK(reply.size() == tids.size());
    for (pid_t tid : tids) {
      const auto name = thread_name(fixture.pid(), tid).value_or("?");
      CHECK_MESSAGE(offers(reply, std::to_string(tid) + " " + name), tid);
    }
  }
}
