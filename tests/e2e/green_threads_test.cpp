// The Green Threads section through the real binary on Debian's python3.11 with python3-greenlet and
// python3-eventlet: raw greenlets (nested, in a generator, chained, a subclass, running, never started,
// dead, in three OS threads, one whose only greenlet is its running main one) and an eventlet service.
// Every live greenlet the fixture recorded is listed — JSON and text — with its type, id, OS thread,
// whether it runs, and its Python frames (function, file, line, innermost first; a running greenlet's are
// its thread's), and no dead or never-started greenlet is.
// --no-green-threads walks nothing and says so. gc_heap with 1k and 100k objects: the same, and the walk's
// size and the stop window are printed (a benchmark figure, not asserted). The target runs on afterwards.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
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
using pt::check_unharmed;

/// Whether Debian's python3.11 imports greenlet and eventlet; the reason when not.
std::optional<std::string> greenlets_missing() {
  if (::access(pt::required_binary, X_OK) != 0) return std::string(pt::required_binary) + " is not installed";
  const RunResult r = run_command({pt::required_binary, "-c", "import greenlet, eventlet"}, 60s);
  if (r.exit_code != 0) return "python3-greenlet / python3-eventlet are not importable: " + r.err;
  return std::nullopt;
}

std::unique_ptr<pt::RunningFixture> start(const std::string& script, std::vector<std::string> args = {}) {
  auto running = std::make_unique<pt::RunningFixture>();
  const std::string expect = running->dir.path() + "/expect.json";
  FixtureOptions options;
  options.prefix = {pt::required_binary, fixture_source("python/" + script)};
  options.args = std::move(args);
  options.env = {"GMR_PY_EXPECT=" + expect};
  options.timeout = 120s;
  running->fixture = std::make_unique<Fixture>("python", options);
  running->expected = json::parse(read_text(expect));
  running->tids = thread_ids(running->fixture->pid());
  return running;
}

RunResult dump(pid_t pid, std::vector<std::string> extra) {
  std::vector<std::string> args = {"dump"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(std::to_string(pid));
  RunResult result = run_gmr(args, 120s);
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_code == cli::exit_complete);
  return result;
}

json dump_json(pid_t pid, std::vector<std::string> extra = {}) {
  extra.insert(extra.begin(), {"--json", "--no-source"});
  const RunResult result = dump(pid, extra);
  const SchemaCheck check = check_schema(result.out);
  CHECK_MESSAGE(check.valid, check.problems);
  const auto lines = parse_json_lines(result.out);
  REQUIRE(lines.size() == 1);
  return lines[0];
}

std::string hex(std::uint64_t value) {
  std::ostringstream out;
  out << "0x" << std::hex << value;
  return out.str();
}

struct ShownFrame {
  std::string function, file;
  int line = 0;
  bool operator==(const ShownFrame&) const = default;
};

std::vector<ShownFrame> expected_frames(const json& greenlet) {
  std::vector<ShownFrame> frames;
  for (const auto& f : greenlet.at("frames"))
    frames.push_back({f.at("function").get<std::string>(), f.at("file").get<std::string>(), f.at("line").get<int>()});
  return frames;
}

std::string describe(const std::vector<ShownFrame>& frames) {
  std::string text;
  for (const auto& f : frames) text += "\n  " + f.file + ":" + std::to_string(f.line) + " in " + f.function;
  return text;
}

/// JSON: exactly the recorded live greenlets, each with its type, thread, state and frames; the absent
/// ones not listed. Returns the number of frames compared.
std::size_t check_json(const json& expected, const json& report) {
  const json& status = report.at("python").at("green_threads");
  CHECK(status.at("listed") == true);
  CHECK(status.at("absent").is_null());
  std::map<std::string, const json*> shown;
  for (const auto& greenlet : report.at("green_threads")) shown[greenlet.at("id").get<std::string>()] = &greenlet;
  CHECK(shown.size() == expected.at("greenlets").size());
  std::size_t frames = 0;
  for (const auto& want : expected.at("greenlets")) {
    const std::string id = hex(want.at("id").get<std::uint64_t>());
    CAPTURE(id);
    REQUIRE(shown.count(id) == 1);
    const json& got = *shown.at(id);
    CHECK(got.at("type") == want.at("type"));
    CHECK(got.at("tid") == want.at("thread_tid"));
    CHECK(got.at("running") == want.at("running"));
    std::vector<ShownFrame> got_frames;
    for (const auto& f : got.at("frames")) {
      CHECK(f.at("kind") == "python");
      got_frames.push_back({f.at("function").get<std::string>(), f.at("file").get<std::string>(), f.at("line").get<int>()});
    }
    const auto want_frames = expected_frames(want);
    CHECK_MESSAGE(got_frames == want_frames, "gmr:" << describe(got_frames) << "\nexpected:" << describe(want_frames));
    frames += got_frames.size();
  }
  for (const auto& absent : expected.at("absent_greenlets")) {
    CAPTURE(absent.at("reason").get<std::string>());
    CHECK(shown.count(hex(absent.at("id").get<std::uint64_t>())) == 0);
  }
  return frames;
}

/// Text: the Green Threads section, one block per greenlet ("------ Green Thread 0x… ------", type,
/// thread, state, then "#N FILE:LINE in FUNCTION" lines).
struct TextGreenlet {
  std::map<std::string, std::string> fields;
  std::vector<ShownFrame> frames;
};

std::map<std::string, TextGreenlet> green_section(const std::string& text) {
  std::map<std::string, TextGreenlet> out;
  std::istringstream in(text);
  bool inside = false;
  TextGreenlet* current = nullptr;
  const std::regex header(R"(^------ +Green Thread (0x[0-9a-f]+) +------$)");
  const std::regex field(R"(^([a-z]+) += (.*)$)");
  const std::regex frame(R"(^#[0-9]+ +(.+):([0-9]+) in (.+)$)");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("====")) {
      if (line.find(" Green Threads ") != std::string::npos) inside = true;
      else if (line.find_first_not_of('=') != std::string::npos) inside = false;
      continue;
    }
    if (!inside) continue;
    std::smatch m;
    if (std::regex_match(line, m, header)) {
      current = &out[m[1]];
    } else if (current != nullptr && std::regex_match(line, m, frame)) {
      current->frames.push_back({m[3], m[1], std::stoi(m[2])});
    } else if (current != nullptr && std::regex_match(line, m, field)) {
      current->fields[m[1]] = m[2];
    }
  }
  return out;
}

void check_text(const json& expected, const std::string& text) {
  const auto section = green_section(text);
  CHECK(section.size() == expected.at("greenlets").size());
  for (const auto& want : expected.at("greenlets")) {
    const std::string id = hex(want.at("id").get<std::uint64_t>());
    CAPTURE(id);
    REQUIRE(section.count(id) == 1);
    const TextGreenlet& got = section.at(id);
    CHECK(got.fields.at("type") == want.at("type").get<std::string>());
    CHECK(got.fields.at("thread").starts_with("thread " + std::to_string(want.at("thread_tid").get<pid_t>())));
    CHECK(got.fields.at("state").starts_with(want.at("running").get<bool>() ? "running" : "suspended"));
    CHECK(got.frames == expected_frames(want));
  }
}

}  // namespace

TEST_SUITE("e2e::green_threads") {
  TEST_CASE("raw greenlets and an eventlet service: every live greenlet with its frames, type, id and thread") {
    if (auto missing = greenlets_missing()) {
      MESSAGE("SKIPPED: " << *missing << " (install python3.11, python3-greenlet, python3-eventlet)");
      return;
    }
    for (const std::string script : {"greenlets_raw.py", "eventlet_service.py"}) {
      CAPTURE(script);
      auto running = start(script);
      const pid_t pid = running->fixture->pid();
      const json report = dump_json(pid);
      const std::size_t frames = check_json(running->expected, report);
      check_text(running->expected, dump(pid, {"--no-source"}).out);
      MESSAGE(script << ": " << running->expected.at("greenlets").size() << " live greenlets (" << frames
                     << " frames) and " << running->expected.at("absent_greenlets").size()
                     << " dead or unstarted ones left out, among "
                     << report.at("python").at("green_threads").at("gc_objects") << " GC-tracked objects");
      check_unharmed(*running);
    }
  }

  TEST_CASE("--no-green-threads: no walk, the section says why, and --sections green_threads alone") {
    if (auto missing = greenlets_missing()) {
      MESSAGE("SKIPPED: " << *missing << " (install python3.11, python3-greenlet, python3-eventlet)");
      return;
    }
    auto running = start("greenlets_raw.py");
    const pid_t pid = running->fixture->pid();
    const json off = dump_json(pid, {"--no-green-threads"});
    CHECK(off.at("green_threads").empty());
    const json& status = off.at("python").at("green_threads");
    CHECK(status.at("listed") == false);
    CHECK(status.at("absent") == "not_asked");
    CHECK(status.at("gc_objects") == 0);
    const std::string text = dump(pid, {"--no-green-threads", "--no-source"}).out;
    CHECK(text.find(" Green Threads ") != std::string::npos);
    CHECK(text.find("not read: --no-green-threads") != std::string::npos);
    CHECK(text.find("------ ") != std::string::npos);  // the Threads section is still there

    const std::string only = dump(pid, {"--sections", "green_threads", "--no-source"}).out;
    CHECK(only.find(" Green Threads ") != std::string::npos);
    CHECK(only.find(" Threads ===") == std::string::npos);
    CHECK(green_section(only).size() == running->expected.at("greenlets").size());
    check_unharmed(*running);
  }

  TEST_CASE("gc_heap: the green threads found among 1k and 100k GC objects (1M with GMR_LONG)") {
    if (auto missing = greenlets_missing()) {
      MESSAGE("SKIPPED: " << *missing << " (install python3.11, python3-greenlet, python3-eventlet)");
      return;
    }
    std::vector<std::string> sizes = {"1k", "100k"};
    if (std::getenv("GMR_LONG") != nullptr)
      sizes.push_back("1M");
    else
      MESSAGE("gc_heap with 1M objects not run: set GMR_LONG=1");
    for (const auto& size : sizes) {
      CAPTURE(size);
      auto running = start("gc_heap.py", {"--objects", size});
      const pid_t pid = running->fixture->pid();
      const json report = dump_json(pid);
      check_json(running->expected, report);
      const json without = dump_json(pid, {"--no-green-threads"});
      MESSAGE("gc_heap " << size << ": " << report.at("python").at("green_threads").at("gc_objects")
                         << " GC objects walked; stop window " << report.at("capture").at("stop_window_us")
                         << " us with green threads, " << without.at("capture").at("stop_window_us")
                         << " us without (one run each: see tests/bench for the benchmark)");
      check_unharmed(*running);
    }
  }
}
