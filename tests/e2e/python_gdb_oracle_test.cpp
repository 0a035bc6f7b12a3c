// Second oracle for the Python stacks: gdb's own `py-bt` (the libpython gdb extension: Debian ships it in
// python3.11-dbg, pyenv installs pythonX.Y-gdb.py beside each interpreter) on the same parked fixture right
// after gmr's dump. For every thread of every plain fixture under every interpreter installed (Debian's
// python3.11 and pyenv's 3.11/3.12/3.13), gmr's Python frames — file, line and
// co_name (py-bt prints co_name, not the qualified name), innermost first — equal the frames gdb prints,
// exactly, and both list the same threads. The fixture's own record is checked against gmr elsewhere
// (python_test.cpp); this compares gmr with a reader that shares none of its code. The one allowed
// difference: the innermost line of the thread that spins holding the GIL (gil_busy.py), where gmr and gdb
// stop the process at different instants; both must then be among the lines the fixture says it shows.
// Needs gdb and python3.11-dbg (.ci/packages); missing, the test fails rather than skips. A pyenv build
// without its gdb extension is skipped loudly.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.hpp"
#include "support/json_schema.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "symbolize/python/python_installs.hpp"
#include "symbolize/python/running_fixture.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;
using nlohmann::json;
namespace pt = gmr::test::python;

/// What python3.11-dbg ships for gdb: the extension gdb auto-loads for Debian's interpreter.
constexpr const char* debian_gdb_extension = "/usr/share/gdb/auto-load/usr/bin/python3.11-gdb.py";

/// The gdb extension of an interpreter: Debian's, or pythonX.Y-gdb.py beside a pyenv build; "" if none.
std::string gdb_extension_of(const pt::PythonInstall& install) {
  if (install.binary == pt::required_binary) return debian_gdb_extension;
  const std::string dir = install.binary.substr(0, install.binary.rfind('/'));
  const std::string script = dir + "/python3." + std::to_string(install.minor) + "-gdb.py";
  return ::access(script.c_str(), R_OK) == 0 ? script : std::string{};
}

struct PyFrame {
  std::string file;
  int line = 0;
  std::string name;  // co_name
  bool operator==(const PyFrame&) const = default;
};

std::string describe(const std::vector<PyFrame>& frames) {
  std::string text;
  for (const auto& f : frames) text += "\n  " + f.file + ":" + std::to_string(f.line) + " in " + f.name;
  return text;
}

struct GdbThread {
  std::vector<PyFrame> frames;
  std::vector<std::string> unparsed;  // lines of its py-bt that are neither frames, source text nor C calls
};

/// tid -> the thread's py-bt, from `gdb -batch -ex 'thread apply all py-bt'`. A py-bt block is
///   Thread N (Thread 0x… (LWP TID) "comm"):
///   Traceback (most recent call first):
///     <built-in method sleep of module object at remote 0x…>     (a C function the frame called)
///     File "FILE", line LINE, in NAME
///       SOURCE TEXT
std::map<pid_t, GdbThread> parse_py_bt(const std::string& out) {
  static const std::regex thread(R"(^Thread \d+ \(Thread 0x[0-9a-f]+ \(LWP (\d+)\).*\):$)");
  static const std::regex frame(R"re(^  File "(.*)", line (\d+), in (.*)$)re");
  std::map<pid_t, GdbThread> threads;
  GdbThread* current = nullptr;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, thread)) {
      current = &threads[std::stoi(m[1])];
    } else if (line.starts_with("[Inferior ")) {  // "[Inferior 1 (process N) detached]": the end
      current = nullptr;
    } else if (current == nullptr || line.empty() || line == "Traceback (most recent call first):" ||
               line.starts_with("    ") || line.starts_with("  <built-in ")) {
      continue;
    } else if (std::regex_match(line, m, frame)) {
      current->frames.push_back({m[1], std::stoi(m[2]), m[3]});
    } else {
      current->unparsed.push_back(line);
    }
  }
  return threads;
}

/// tid -> gmr's Python frames of that thread (JSON: kind "python"; python.name is co_name).
std::map<pid_t, std::vector<PyFrame>> gmr_python_frames(const json& report) {
  std::map<pid_t, std::vector<PyFrame>> out;
  for (const auto& thread : report.at("threads")) {
    auto& frames = out[thread.at("tid").get<pid_t>()];
    for (const auto& frame : thread.at("frames"))
      if (frame.at("kind") == "python")
        frames.push_back({frame.at("file").get<std::string>(), frame.at("line").get<int>(),
                          frame.at("python").at("name").get<std::string>()});
  }
  return out;
}

}  // namespace

TEST_SUITE("e2e::oracle") {
  TEST_CASE("Python fixtures: every thread's Python frames equal gdb's py-bt under every interpreter") {
    REQUIRE_MESSAGE(::access(debian_gdb_extension, R_OK) == 0,
                    debian_gdb_extension << " is missing: install python3.11-dbg (its gdb extension is the oracle)");
    REQUIRE_MESSAGE(run_command({"gdb", "--version"}, 60s).exit_code == 0, "gdb is missing: install gdb");
    for (const auto& install : pt::installs_to_run()) {
      const std::string binary = install.binary;
      const std::string gdb_extension = gdb_extension_of(install);
      if (gdb_extension.empty()) {
        MESSAGE("SKIPPED " << install.label << ": no python3." << install.minor << "-gdb.py beside " << binary);
        continue;
      }
      for (const auto& fixture : pt::plain_fixtures) {
        CAPTURE(install.label);
        CAPTURE(fixture.script);
        pt::RunningFixture running;
        const std::string expect = running.dir.path() + "/expect.json";
        FixtureOptions options;
        options.prefix = {binary, fixture_source(std::string("python/") + fixture.script)};
        options.args = fixture.args;
        options.env = {"GMR_PY_EXPECT=" + expect};
        options.wait_quiescent = !fixture.busy;
        options.timeout = 60s;
        running.fixture = std::make_unique<Fixture>("python", options);
        running.expected = json::parse(read_text(expect));
        running.tids = thread_ids(running.fixture->pid());
        const std::string pid = std::to_string(running.fixture->pid());

        const RunResult dumped = run_gmr({"dump", "--json", "--no-source", pid}, 60s);
        INFO("gmr stderr: " << dumped.err);
        REQUIRE(dumped.exit_code == cli::exit_complete);
        const auto lines = parse_json_lines(dumped.out);
        REQUIRE(lines.size() == 1);
        const auto gmr = gmr_python_frames(lines[0]);

        const RunResult gdb = run_command({"gdb", "-nx", "-batch", "-ex", "source " + gdb_extension, "-p",
                                           pid, "-ex", "thread apply all py-bt"},
                                          180s);
        INFO("gdb stderr: " << gdb.err);
        REQUIRE(gdb.exit_code == 0);
        const auto oracle = parse_py_bt(gdb.out);

        std::map<pid_t, const json*> expected;
        for (const auto& thread : running.expected.at("threads")) expected[thread.at("tid").get<pid_t>()] = &thread;
        std::vector<pid_t> gmr_tids, gdb_tids;
        for (const auto& [tid, _] : gmr) gmr_tids.push_back(tid);
        for (const auto& [tid, _] : oracle) gdb_tids.push_back(tid);
        CHECK(gmr_tids == gdb_tids);
        std::size_t frames = 0;
        for (const auto& [tid, want] : oracle) {
          CAPTURE(tid);
          CHECK_MESSAGE(want.unparsed.empty(), "gdb py-bt lines not understood: " << want.unparsed.front());
          REQUIRE(gmr.count(tid) == 1);
          std::vector<PyFrame> got = gmr.at(tid);
          std::vector<PyFrame> seen = want.frames;
          // The spinning thread: gmr and gdb each stopped it at its own instant.
          if (auto it = expected.find(tid); it != expected.end() && it->second->contains("innermost_lines") &&
                                            !got.empty() && !seen.empty()) {
            const auto allowed = it->second->at("innermost_lines").get<std::vector<int>>();
            CHECK(std::ranges::find(allowed, got[0].line) != allowed.end());
            CHECK(std::ranges::find(allowed, seen[0].line) != allowed.end());
            got[0].line = seen[0].line = 0;
          }
          CHECK_MESSAGE(got == seen, "gmr:" << describe(got) << "\ngdb py-bt:" << describe(seen));
          CHECK(!seen.empty());
          frames += seen.size();
        }
        MESSAGE(install.label << " " << std::string(fixture.script) << ": " << oracle.size() << " threads, " << frames
                               << " Python frames equal to gdb's py-bt");
        pt::check_unharmed(running);
      }
    }
  }
}
