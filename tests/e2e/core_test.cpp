// gmr dump --core and gmr report, through the real binary: the core file's contract (created new, mode
// 0600, clear errors), the oracles (eu-stack and gdb read gmr's core and show gmr's frames), gmr report of
// gmr's own core equal to the live report of the same dump, and gmr report of kernel cores and gcore's.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/core_dump.hpp"
#include "support/eu_stack.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace gmr::test;
using nlohmann::json;

struct JsonFrame {
  std::uint64_t pc = 0;
  std::optional<std::string> function;
  std::optional<std::string> module;
  std::optional<std::string> file;
  bool inlined = false;
};

/// tid -> frames of a gmr JSON report.
std::map<pid_t, std::vector<JsonFrame>> frames_of(const json& report) {
  std::map<pid_t, std::vector<JsonFrame>> threads;
  for (const auto& thread : report.at("threads")) {
    auto& frames = threads[thread.at("tid").get<pid_t>()];
    for (const auto& f : thread.at("frames")) {
      JsonFrame frame;
      frame.pc = std::stoull(f.at("pc").get<std::string>(), nullptr, 16);
      if (f.contains("function") && f.at("function").is_string()) frame.function = f.at("function").get<std::string>();
      if (f.contains("module") && f.at("module").is_string()) frame.module = f.at("module").get<std::string>();
      if (f.contains("file") && f.at("file").is_string()) frame.file = f.at("file").get<std::string>();
      if (f.contains("inlined") && f.at("inlined").is_boolean()) frame.inlined = f.at("inlined").get<bool>();
      frames.push_back(frame);
    }
  }
  return threads;
}

std::string describe(const std::vector<JsonFrame>& frames) {
  std::ostringstream out;
  for (const auto& f : frames) out << "  0x" << std::hex << f.pc << std::dec << " " << f.function.value_or("??") << "\n";
  return out.str();
}

/// gdb's "thread apply all bt": LWP -> frames (pc when gdb printed one, function name, source file).
struct GdbFrame {
  std::optional<std::uint64_t> pc;
  std::string function;
  std::string file;
};
std::map<pid_t, std::vector<GdbFrame>> parse_gdb_backtraces(const std::string& text) {
  std::map<pid_t, std::vector<GdbFrame>> threads;
  static const std::regex thread_line(R"(^Thread \d+ \(.*LWP (\d+)\)\)?:?\s*$)");
  static const std::regex frame_line(R"(^#(\d+)\s+(?:0x([0-9a-f]+) in )?(\S+) \(.*$)");
  static const std::regex at_file(R"( at (\S+):\d+$)");
  std::istringstream in(text);
  std::string line;
  std::vector<GdbFrame>* current = nullptr;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, thread_line)) {
      current = &threads[static_cast<pid_t>(std::stol(m[1]))];
    } else if (current != nullptr && std::regex_match(line, m, frame_line)) {
      GdbFrame frame;
      if (m[2].matched) frame.pc = std::stoull(m[2], nullptr, 16);
      frame.function = m[3];
      if (std::smatch f; std::regex_search(line, f, at_file)) frame.file = f[1];
      current->push_back(frame);
    }
  }
  return threads;
}

std::string basename(const std::string& path) { return std::filesystem::path(path).filename().string(); }

}  // namespace

TEST_SUITE("e2e::core") {

TEST_CASE("gmr dump --core writes a 0600 core that eu-stack reads with the same frames as gmr's report") {
  Fixture fixture("fixture_threads_c");
  TempDir dir("core");
  const std::string core = (dir.path / "threads.core").string();
  const RunResult dump = dump_with_core(fixture.pid(), "json", core);
  struct stat st {};
  REQUIRE(::stat(core.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const auto gmr_frames = frames_of(json::parse(dump.out));
  REQUIRE(gmr_frames.size() == static_cast<std::size_t>(fixture.ready_threads()));

  const RunResult oracle = run_command({"eu-stack", "-i", "--core", core, "-e", fixture.path()}, 60s);
  INFO("eu-stack stderr: ", oracle.err);
  REQUIRE(oracle.exit_code == 0);
  const auto expected = parse_eu_stack(oracle.out);
  REQUIRE(expected.size() == gmr_frames.size());
  for (const auto& [tid, frames] : expected) {
    INFO("thread ", tid);
    REQUIRE(gmr_frames.contains(tid));
    const auto& ours = gmr_frames.at(tid);
    INFO("gmr:\n", describe(ours));
    REQUIRE(ours.size() == frames.size());
    for (std::size_t i = 0; i < frames.size(); ++i) {
      INFO("frame #", i);
      CHECK(ours[i].pc == frames[i].pc);
      // Outside the fixture eu-stack names frames by DWARF (glibc's __GI_ aliases), gmr by the ELF symbol:
      // the fixture's own frames must carry the same name.
      if (ours[i].module && basename(*ours[i].module) == "fixture_threads_c") CHECK(ours[i].function == frames[i].function);
    }
  }
}

TEST_CASE("gdb reads gmr's core: every thread's frames and pcs are gmr's") {
  Fixture fixture("fixture_threads_c");
  TempDir dir("core");
  const std::string core = (dir.path / "threads.core").string();
  const RunResult dump = dump_with_core(fixture.pid(), "json", core);
  const auto gmr_frames = frames_of(json::parse(dump.out));
  const RunResult gdb = run_command({"gdb", "-nx", "-batch", "-ex", "set auto-load safe-path /nonexistent", "-ex",
                                     "thread apply all bt", fixture.path(), core},
                                    120s);
  INFO("gdb stdout: ", gdb.out, "\ngdb stderr: ", gdb.err);
  REQUIRE(gdb.exit_code == 0);
  const auto expected = parse_gdb_backtraces(gdb.out);
  REQUIRE(expected.size() == gmr_frames.size());
  for (const auto& [tid, frames] : expected) {
    INFO("thread ", tid);
    REQUIRE(gmr_frames.contains(tid));
    const auto& ours = gmr_frames.at(tid);
    INFO("gmr:\n", describe(ours));
    // gdb differs from libdwfl in known ways: it names frames by DWARF (glibc's __GI_ aliases), adds the
    // tail-call frames it rebuilds from DWARF call-site information, and stops at main. So: every frame of
    // gmr's up to main is one of gdb's, in order, at the same pc (gdb prints no pc for inlined frames and
    // for a frame at the start of a line: those are matched by name), and the fixture's own frames are
    // the same functions in the same order.
    std::vector<std::string> our_fixture, gdb_fixture;
    std::size_t at = 0;
    for (const auto& frame : ours) {
      const std::string name = frame.function.value_or("??");
      const bool fixture_frame = frame.module && basename(*frame.module) == "fixture_threads_c";
      if (fixture_frame) our_fixture.push_back(name);
      bool found = false;
      for (; at < frames.size() && !found; ++at)
        found = frames[at].pc ? *frames[at].pc == frame.pc : frames[at].function == name || !fixture_frame;
      CHECK_MESSAGE(found, "gmr's frame 0x", std::hex, frame.pc, std::dec, " ", name, " is not in gdb's backtrace in order");
      if (name == "main") break;
    }
    for (const auto& frame : frames)
      if (frame.file.ends_with("threads_c.c")) gdb_fixture.push_back(frame.function);
    CHECK(our_fixture == gdb_fixture);
    CHECK(!our_fixture.empty());
  }
}

TEST_CASE("gmr report of gmr's core prints the live report of the same dump, in text and JSON") {
  Fixture fixture("fixture_threads_c");
  TempDir dir("core");
  for (const char* format : {"text", "json"}) check_core_report_equals_dump(fixture.pid(), format, dir.path);
}

TEST_CASE("gmr dump --core refuses an existing file, a missing directory and more than one pid, before freezing") {
  Fixture fixture("fixture_threads_c");
  TempDir dir("core");
  const std::string pid = std::to_string(fixture.pid());
  const std::string existing = dir.write("existing.core", "keep me");
  const RunResult exists = run_gmr({"dump", "--core", existing, pid});
  CHECK(exists.exit_code == 2);
  CHECK(exists.out.empty());
  CHECK(exists.err == "gmr: --core " + existing + ": exists: a core file is never overwritten\n");
  CHECK(read_text(existing) == "keep me");

  const std::string missing = (dir.path / "no" / "such" / "dir.core").string();
  const RunResult no_dir = run_gmr({"dump", "--core", missing, pid});
  CHECK(no_dir.exit_code == 2);
  CHECK(no_dir.err == "gmr: --core " + missing + ": cannot create the core file: No such file or directory\n");

  const RunResult two = run_gmr({"dump", "--core", (dir.path / "two.core").string(), pid, pid});
  CHECK(two.exit_code == 64);
  CHECK(two.err == "gmr: --core writes the core of one process: give one pid, not 2\n");
  const RunResult alone = run_gmr({"dump", "--no-report", pid});
  CHECK(alone.exit_code == 64);
  CHECK(alone.err == "gmr: --no-report needs --core FILE\n");
  CHECK(!std::filesystem::exists(dir.path / "two.core"));
}

TEST_CASE("a core that cannot be written (file size limit) is removed, the report still printed, exit 2") {
  Fixture fixture("fixture_threads_c");
  TempDir dir("core");
  const std::string core = (dir.path / "big.core").string();
  // SIGXFSZ ignored (inherited through exec): the write past the limit fails with EFBIG, as on a full disk.
  const RunResult dump = run_command({"sh", "-c", "trap '' XFSZ; ulimit -f 8; exec \"$0\" \"$@\"", GMR_BINARY, "dump",
                                      "--core", core, std::to_string(fixture.pid())},
                                     60s);
  CHECK(dump.exit_code == 2);
  CHECK(dump.err == "gmr: --core " + core + ": cannot write the core file: File too large\n");
  CHECK(dump.out.find("Guru Meditation Report") != std::string::npos);
  CHECK(!std::filesystem::exists(core));
}

TEST_CASE("with --json a core not written leaves the JSON's exit_code equal to gmr's exit status") {
  Fixture fixture("fixture_threads_c");
  TempDir dir("core");
  const std::string pid = std::to_string(fixture.pid());
  // Refused before the freeze: the failure object.
  const std::string existing = dir.write("existing.core", "keep me");
  const RunResult exists = run_gmr({"dump", "--json", "--core", existing, pid});
  CHECK(exists.exit_code == 2);
  const json refused = json::parse(exists.out);
  CHECK(refused.at("exit_code") == 2);
  // Failed after the release (file size limit): the report is printed, and says the status gmr exits with.
  const std::string core = (dir.path / "big.core").string();
  const RunResult big = run_command({"sh", "-c", "trap '' XFSZ; ulimit -f 8; exec \"$0\" \"$@\"", GMR_BINARY, "dump",
                                     "--json", "--core", core, pid},
                                    60s);
  CHECK(big.exit_code == 2);
  CHECK(big.err == "gmr: --core " + core + ": cannot write the core file: File too large\n");
  const json report = json::parse(big.out);
  CHECK(report.at("threads").size() == static_cast<std::size_t>(fixture.ready_threads()));
  CHECK(report.at("exit_code") == 2);
}

TEST_CASE("gmr report --threads with an id not in the core warns as the live dump does, exit 1") {
  Fixture fixture("fixture_threads_c");
  TempDir dir("core");
  const std::string pid = std::to_string(fixture.pid());
  const std::string core = (dir.path / "threads.core").string();
  dump_with_core(fixture.pid(), "text", core, {"--no-report"});
  // Thread 1 is init's: in no fixture.
  const RunResult live = run_gmr({"dump", "--json", "--threads", pid + ",1", pid}, 60s);
  const RunResult report = run_gmr({"report", "--json", "--threads", pid + ",1", core}, 60s);
  CHECK(live.exit_code == 1);
  CHECK(report.exit_code == 1);
  CHECK(live.err == "gmr: --threads: thread 1 not found in process " + pid + "\n");
  CHECK(report.err == live.err);
  const json doc = json::parse(report.out);
  REQUIRE(doc.at("threads").size() == 1);
  CHECK(doc.at("threads").at(0).at("tid") == fixture.pid());
  CHECK(doc.at("exit_code") == 1);
  CHECK(json::parse(live.out).at("exit_code") == 1);
  const RunResult none = run_gmr({"report", "--threads", "1,2", core}, 60s);
  CHECK(none.exit_code == 1);
  CHECK(none.err == "gmr: --threads: threads 1, 2 not found in process " + pid + "\n");
}

TEST_CASE("gmr report of a kernel core names the crashing thread and the signal, SIGSEGV and SIGABRT") {
  for (const auto& [command, signal, marker] : {std::tuple{"segv", "SIGSEGV", "crash_segv"},
                                               std::tuple{"abort", "SIGABRT", "crash_abort"}}) {
    INFO("crash by ", command);
    TempDir dir("kcore");
    const std::string script = "ulimit -c unlimited; cd '" + dir.path.string() + "' && exec \"$0\" \"$@\"";
    Fixture fixture("fixture_crasher", {.args = {}, .prefix = {"sh", "-c", script}});
    const pid_t pid = fixture.pid();
    fixture.send(command);
    const int status = fixture.close_stdin_and_wait(30s);
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WCOREDUMP(status));
    const std::string core = (dir.path / "core").string();
    REQUIRE(std::filesystem::exists(core));
    const RunResult report = run_gmr({"report", "--json", core}, 60s);
    INFO("stderr: ", report.err);
    REQUIRE(report.exit_code == 0);
    const json doc = json::parse(report.out);
    CHECK(doc.at("pid").get<pid_t>() == pid);
    REQUIRE(doc.at("threads").size() == 3);
    int crashed = 0;
    for (const auto& thread : doc.at("threads")) {
      if (thread.at("stop").is_null()) continue;
      ++crashed;
      CHECK(thread.at("tid").get<pid_t>() == pid);
      CHECK(thread.at("stop").at("kind") == "core_signal");
      CHECK(thread.at("stop").at("signal_name") == signal);
      const auto frames = thread.at("frames");
      bool found = false;
      for (const auto& frame : frames) found = found || (frame.at("function").is_string() && frame.at("function") == marker);
      CHECK_MESSAGE(found, frames.dump());
    }
    CHECK(crashed == 1);
    const RunResult text = run_gmr({"report", core}, 60s);
    CHECK(text.out.find(std::string("dumped for signal ") + signal) != std::string::npos);
  }
}

TEST_CASE("gmr report of gdb's gcore of a fixture shows the live dump's frames") {
  Fixture fixture("fixture_threads_c");
  TempDir dir("gcore");
  const std::string pid = std::to_string(fixture.pid());
  const RunResult live = run_gmr({"dump", "--json", pid}, 60s);
  REQUIRE(live.exit_code == 0);
  const std::string core = (dir.path / "gcore").string();
  const RunResult gcore = run_command({"gcore", "-o", core, pid}, 120s);
  INFO("gcore: ", gcore.out, gcore.err);
  REQUIRE(gcore.exit_code == 0);
  fixture.wait_quiescent(fixture.ready_threads());
  const RunResult report = run_gmr({"report", "--json", core + "." + pid}, 60s);
  INFO("stderr: ", report.err);
  REQUIRE(report.exit_code == 0);
  const auto expected = frames_of(json::parse(live.out));
  const auto got = frames_of(json::parse(report.out));
  REQUIRE(got.size() == expected.size());
  for (const auto& [tid, frames] : expected) {
    INFO("thread ", tid, "\nlive:\n", describe(frames));
    REQUIRE(got.contains(tid));
    INFO("gcore:\n", describe(got.at(tid)));
    REQUIRE(got.at(tid).size() == frames.size());
    for (std::size_t i = 0; i < frames.size(); ++i) {
      CHECK(got.at(tid)[i].pc == frames[i].pc);
      CHECK(got.at(tid)[i].function == frames[i].function);
    }
  }
}

TEST_CASE("gmr report: a missing file, a file that is not a core and a truncated core give clear errors") {
  TempDir dir("badcore");
  const RunResult missing = run_gmr({"report", (dir.path / "none").string()});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "gmr: " + (dir.path / "none").string() + ": No such file or directory\n");
  const std::string text = dir.write("text", "not an ELF file at all\n");
  const RunResult not_core = run_gmr({"report", text});
  CHECK(not_core.exit_code == 2);
  CHECK(not_core.err == "gmr: " + text + ": not an ELF file\n");
  const RunResult program = run_gmr({"report", fixture_path("fixture_threads_c")});
  CHECK(program.exit_code == 2);
  CHECK(program.err == "gmr: " + fixture_path("fixture_threads_c") + ": not a core file (ELF type 3)\n");
}

}  // TEST_SUITE
