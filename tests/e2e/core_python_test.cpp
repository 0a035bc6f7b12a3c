// gmr report on cores of Python processes, through the real binary: the report of gmr's own core equals the
// live report of the same dump (text and JSON; the Python threads, the GIL holder, lock waits, the Green
// Threads section) under every interpreter installed; a gcore of a Python fixture shows the live dump's
// Python frames; a kernel core that holds none of the interpreter's memory says so in one line.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.hpp"
#include "support/core_dump.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "symbolize/python/python_installs.hpp"
#include "symbolize/python/running_fixture.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;
using nlohmann::json;
namespace pt = gmr::test::python;

std::unique_ptr<pt::RunningFixture> start(const std::string& binary, const std::string& script,
                                          std::vector<std::string> args, bool busy = false) {
  auto running = std::make_unique<pt::RunningFixture>();
  FixtureOptions options;
  options.prefix = {binary, fixture_source("python/" + script)};
  options.args = std::move(args);
  options.env = {"GMR_PY_EXPECT=" + running->dir.path() + "/expect.json"};
  options.wait_quiescent = !busy;
  options.timeout = 120s;
  running->fixture = std::make_unique<Fixture>("python", options);
  running->expected = json::parse(read_text(running->dir.path() + "/expect.json"));
  running->tids = thread_ids(running->fixture->pid());
  return running;
}

/// tid -> the Python frames of a JSON report, "function file:line" each, innermost first.
std::map<pid_t, std::vector<std::string>> python_frames(const json& report) {
  std::map<pid_t, std::vector<std::string>> threads;
  for (const auto& thread : report.at("threads")) {
    auto& frames = threads[thread.at("tid").get<pid_t>()];
    for (const auto& f : thread.at("frames"))
      if (f.at("kind") == "python")
        frames.push_back(f.at("function").get<std::string>() + " " + f.at("file").get<std::string>() + ":" +
                         std::to_string(f.at("line").get<int>()));
  }
  return threads;
}

}  // namespace

TEST_SUITE("e2e::core") {

TEST_CASE("gmr report of gmr's core of a Python fixture prints the live report of the same dump, every interpreter") {
  for (const auto& install : pt::installs_to_run()) {
    for (const char* script : {"threads_nested.py", "locks.py", "gil_busy.py"}) {
      CAPTURE(install.label);
      CAPTURE(script);
      auto running = start(install.binary, script, {}, std::string(script) == "gil_busy.py");
      TempDir dir("pycore");
      check_core_report_equals_dump(running->fixture->pid(), "json", dir.path, {"--no-source"});
      if (std::string(script) == "threads_nested.py") check_core_report_equals_dump(running->fixture->pid(), "text", dir.path, {"--no-source"});
      pt::check_unharmed(*running);
    }
  }
}

TEST_CASE("gmr report of gmr's core of a greenlet and an eventlet process prints the live Green Threads") {
  const RunResult importable = run_command({pt::required_binary, "-c", "import greenlet, eventlet"}, 60s);
  REQUIRE_MESSAGE(importable.exit_code == 0, "python3-greenlet / python3-eventlet are needed: ", importable.err);
  for (const char* script : {"greenlets_raw.py", "eventlet_service.py"}) {
    CAPTURE(script);
    auto running = start(pt::required_binary, script, {});
    TempDir dir("pycore");
    check_core_report_equals_dump(running->fixture->pid(), "json", dir.path, {"--no-source"});
    check_core_report_equals_dump(running->fixture->pid(), "text", dir.path, {"--no-source"});
    pt::check_unharmed(*running);
  }
}

TEST_CASE("gmr report of gdb's gcore of a Python fixture shows the live dump's Python frames and GIL holder") {
  auto running = start(pt::required_binary, "threads_nested.py", {});
  const pid_t pid = running->fixture->pid();
  const RunResult live = run_gmr({"dump", "--json", "--no-source", std::to_string(pid)}, 120s);
  REQUIRE(live.exit_code == cli::exit_complete);
  TempDir dir("pygcore");
  const std::string core = (dir.path / "gcore").string();
  const RunResult gcore = run_command({"gcore", "-o", core, std::to_string(pid)}, 120s);
  INFO("gcore: ", gcore.out, gcore.err);
  REQUIRE(gcore.exit_code == 0);
  const RunResult report = run_gmr({"report", "--json", "--no-source", core + "." + std::to_string(pid)}, 120s);
  INFO("stderr: ", report.err);
  REQUIRE(report.exit_code == cli::exit_complete);
  const json want = json::parse(live.out);
  const json got = json::parse(report.out);
  REQUIRE(got.at("python").is_object());
  CHECK(got.at("python").at("version") == want.at("python").at("version"));
  CHECK(got.at("python").at("gil_holder") == want.at("python").at("gil_holder"));
  const auto expected = python_frames(want);
  const auto shown = python_frames(got);
  std::size_t frames = 0;
  for (const auto& [tid, list] : expected) {
    CAPTURE(tid);
    REQUIRE(shown.contains(tid));
    CHECK(shown.at(tid) == list);
    frames += list.size();
  }
  CHECK(frames >= running->expected.at("threads").size());
  MESSAGE("gcore of threads_nested.py: " << frames << " Python frames equal to the live dump's");
  pt::check_unharmed(*running);
}

TEST_CASE("gmr report of a kernel core of a Python process that holds none of its memory says so in one line") {
  TempDir dir("pykcore");
  // coredump_filter 0: the kernel writes the notes and no memory at all (inherited through exec).
  const std::string script = "ulimit -c unlimited; echo 0 > /proc/self/coredump_filter; cd '" + dir.path.string() +
                             "' && exec \"$0\" \"$@\"";
  FixtureOptions options;
  options.prefix = {"sh", "-c", script, pt::required_binary, fixture_source("python/threads_nested.py")};
  options.env = {"GMR_PY_EXPECT=" + (dir.path / "expect.json").string()};
  options.timeout = 120s;
  Fixture fixture("python", options);
  REQUIRE(::kill(fixture.pid(), SIGABRT) == 0);
  const int status = fixture.close_stdin_and_wait(30s);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WCOREDUMP(status));
  const RunResult report = run_gmr({"report", (dir.path / "core").string()}, 120s);
  INFO("stderr: ", report.err, "\nstdout: ", report.out);
  CHECK(report.exit_code == cli::exit_partial);
  CHECK(report.out.find("the core does not hold the interpreter's memory: Python stacks not read") != std::string::npos);
}

}  // TEST_SUITE
