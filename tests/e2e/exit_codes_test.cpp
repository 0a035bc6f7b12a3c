// One test per exit code of gmr(1) EXIT STATUS, through the real binary, in text and with --json (where a
// failure is an object carrying the same code). 70 (internal error) has no trigger from outside; 128+N is
// in tests/cli/interrupt_test.cpp.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "cli/exit_codes.hpp"
#include "support/json_schema.hpp"
#include "support/process.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;
using nlohmann::json;

std::string vanished_pid() {
  const RunResult sh = run_command({"sh", "-c", "echo $$"});
  const std::string pid = lines_of(sh.out).at(0);
  REQUIRE(!process_state(std::stoi(pid)).has_value());
  return pid;
}

// The --json failure: exactly one valid object with the code and kind, and the one "gmr: " line on stderr.
void check_json_failure(const RunResult& result, int code, const std::string& kind) {
  INFO("stdout: ", result.out);
  INFO("stderr: ", result.err);
  CHECK(result.exit_code == code);
  CHECK(result.err.starts_with("gmr: "));
  CHECK(result.err.find('\n') == result.err.size() - 1);
  const SchemaCheck check = check_schema(result.out);
  CHECK_MESSAGE(check.valid, check.problems);
  const auto lines = parse_json_lines(result.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["status"] == "failed");
  CHECK(lines[0]["exit_code"] == code);
  CHECK(lines[0]["error"]["kind"] == kind);
  CHECK(result.err == "gmr: " + lines[0]["error"]["message"].get<std::string>() + "\n");
}

}  // namespace

TEST_SUITE("e2e::exit_codes") {

TEST_CASE("exit 0: a complete report") {
  Fixture fixture("fixture_threads_c");
  const RunResult text = run_gmr({"dump", std::to_string(fixture.pid())});
  CHECK(text.exit_code == cli::exit_complete);
  CHECK(text.err.empty());
  const RunResult result = run_gmr({"dump", "--json", std::to_string(fixture.pid())});
  CHECK(result.exit_code == cli::exit_complete);
  const auto lines = parse_json_lines(result.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["status"] == "complete");
  CHECK(lines[0]["exit_code"] == 0);
}

TEST_CASE("exit 1: a partial report, when a thread could not be unwound") {
  // 1,000 recursive frames do not fit in the smallest stack copy (4K): the worker is unwound part of the way.
  Fixture fixture("fixture_hard", {.args = {"recurse", "1000"}});
  const RunResult text = run_gmr({"dump", "--max-stack", "4K", std::to_string(fixture.pid())});
  CHECK(text.exit_code == cli::exit_partial);
  CHECK(text.out.find("error        = unwind stopped") != std::string::npos);
  const RunResult result = run_gmr({"dump", "--json", "--max-stack", "4K", std::to_string(fixture.pid())});
  CHECK(result.exit_code == cli::exit_partial);
  const SchemaCheck check = check_schema(result.out);
  CHECK_MESSAGE(check.valid, check.problems);
  const auto lines = parse_json_lines(result.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["status"] == "partial");
  CHECK(lines[0]["exit_code"] == 1);
  bool has_errors = false;
  for (const auto& thread : lines[0]["threads"]) has_errors = has_errors || !thread["errors"].empty();
  CHECK(has_errors);
}

TEST_CASE("exit 2: no report (a zombie), the failure as JSON") {
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) _exit(0);
  struct Reaper {
    pid_t pid;
    ~Reaper() { waitpid(pid, nullptr, 0); }
  } reaper{child};
  REQUIRE(wait_until(5s, [&] { return process_state(child) == std::optional<char>('Z'); }));
  CHECK(run_gmr({"dump", std::to_string(child)}).exit_code == cli::exit_no_report);
  check_json_failure(run_gmr({"dump", "--json", std::to_string(child)}), cli::exit_no_report, "zombie");
}

TEST_CASE("exit 2: no report (a thread id), the failure names the process") {
  Fixture fixture("fixture_threads_c");
  const pid_t tid = thread_ids(fixture.pid()).back();
  const RunResult result = run_gmr({"dump", "--json", std::to_string(tid)});
  check_json_failure(result, cli::exit_no_report, "not_a_process");
  const auto lines = parse_json_lines(result.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["error"]["process_pid"] == fixture.pid());
}

TEST_CASE("exit 3: no such process") {
  const std::string pid = vanished_pid();
  CHECK(run_gmr({"dump", pid}).exit_code == cli::exit_no_such_process);
  check_json_failure(run_gmr({"dump", "--json", pid}), cli::exit_no_such_process, "no_such_process");
}

TEST_CASE("exit 4: permission denied") {
  REQUIRE_MESSAGE(getuid() == 0, "this test runs gmr as nobody against a root-owned fixture");
  Fixture fixture("fixture_threads_c");
  const RunResult result = run_command({"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", GMR_BINARY,
                                        "dump", "--json", std::to_string(fixture.pid())});
  check_json_failure(result, cli::exit_permission, "permission_denied");
  CHECK(fixture.command("threads") == std::to_string(fixture.ready_threads()));
}

TEST_CASE("exit 64: usage errors print one line and nothing on stdout, even with --json") {
  Fixture fixture("fixture_threads_c");
  const std::string pid = std::to_string(fixture.pid());
  const std::vector<std::vector<std::string>> bad{
      {"dump", "--json", "abc"},
      {"dump", "--json"},
      {"dump", "--json", "--sections", "threads,locks", pid},
      {"dump", "--json", "--mask", "(", pid},
      {"dump", "--json", "--threads", "12,x", pid},
      {"dump", "--json", "--format", "text", pid},
      {"dump", "--format", "xml", pid},
      {"dump", "--json", "--max-frames", "0", pid},
      {"dump", "--json", "--output-dir", "/nonexistent/gmr", pid},
      {"dump", "--json", "--no-such-option", pid},
      {"frobnicate"},
  };
  for (const auto& args : bad) {
    const RunResult result = run_gmr(args);
    std::string line;
    for (const auto& a : args) line += a + " ";
    INFO("gmr ", line);
    INFO("stderr: ", result.err);
    CHECK(result.exit_code == cli::exit_usage);
    CHECK(result.out.empty());
    CHECK(result.err.starts_with("gmr: "));
    CHECK(result.err.find('\n') == result.err.size() - 1);
  }
  // Nothing was dumped: the fixture never saw a tracer.
  CHECK(parse_signals(fixture.command("signals")) == std::pair<int, int>{0, 0});
}

TEST_CASE("several pids: the worst exit code wins, whatever the order") {
  Fixture fixture("fixture_threads_c");
  const std::string live = std::to_string(fixture.pid());
  const std::string gone = vanished_pid();
  CHECK(run_gmr({"dump", live, gone}).exit_code == cli::exit_no_such_process);
  CHECK(run_gmr({"dump", gone, live}).exit_code == cli::exit_no_such_process);
  // Partial (a stray --threads id) beats complete; no such process beats partial.
  CHECK(run_gmr({"dump", "--threads", "4194303", live, live}).exit_code == cli::exit_partial);
  Fixture deep("fixture_hard", {.args = {"recurse", "1000"}});
  const std::string partial = std::to_string(deep.pid());
  CHECK(run_gmr({"dump", "--max-stack", "4K", partial}).exit_code == cli::exit_partial);
  CHECK(run_gmr({"dump", "--max-stack", "4K", partial, gone}).exit_code == cli::exit_no_such_process);

  REQUIRE_MESSAGE(getuid() == 0, "the rest runs gmr as nobody");
  // Permission (4) beats no such process (3), in either order.
  for (const auto& order : {std::vector<std::string>{live, gone}, std::vector<std::string>{gone, live}}) {
    std::vector<std::string> argv{"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", GMR_BINARY, "dump"};
    argv.insert(argv.end(), order.begin(), order.end());
    const RunResult result = run_command(argv);
    CHECK(result.exit_code == cli::exit_permission);
    CHECK(lines_of(result.err).size() == 2);  // one line per failed pid
  }
}

}  // TEST_SUITE
