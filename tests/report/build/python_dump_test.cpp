// A dump of a Python process, end to end as `gmr dump` does it (report::DumpSession): the interpreter is
// found in the files, its threads are walked while the target is frozen (every page read is kept), then
// walked again over the Snapshot after release. Checked on every fixture of tests/fixtures/python under
// every interpreter installed (Debian's python3.11, pyenv 3.11/3.12/3.13): each thread's Python frames
// (qualified name, file, line, innermost first) equal the stack the fixture recorded for itself, its name
// equals threading's, the GIL holder is the same, the offline walk equals the frozen one, every run has
// a marker on its own thread's C stack, and the target runs on unharmed. A Python gmr does not read
// (3.10) gives one note and native stacks.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "attach/capture.hpp"
#include "attach/read_now.hpp"
#include "report/build/dump_session.hpp"
#include "report/render/wording.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "symbolize/python/python_installs.hpp"

using namespace gmr;
namespace py = gmr::symbolize::python;
namespace pt = gmr::test::python;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

using pt::plain_fixtures;
using pt::PlainFixture;

/// Every field of a walk's result, one line each: two walks are equal when these are.
std::string describe(const py::PythonProcess& p) {
  std::ostringstream out;
  out << "version " << p.version << " " << p.layout_provenance << " gil " << p.gil_holder.value_or(0) << "\n";
  for (const auto& e : p.errors) out << "error " << e.message << "\n";
  for (const auto& t : p.threads) {
    out << "thread " << t.tid.value_or(0) << " " << std::hex << t.thread_state << " " << t.thread_id << std::dec << " "
        << t.name.value_or("-") << " gil " << t.holds_gil << " truncated "
        << (t.truncated ? t.truncated->message : "-") << "\n";
    for (const auto& run : t.runs) {
      out << " run " << std::hex << run.c_stack_marker.value_or(0) << std::dec << "\n";
      for (const auto& f : run.frames)
        out << "  " << std::hex << f.frame.address << " " << f.code << std::dec << " " << f.qualname << " "
            << f.filename << ":" << f.line.value_or(-1) << " " << (f.error ? f.error->message : "") << "\n";
    }
  }
  if (p.green_threads_absent) out << "green threads absent " << static_cast<int>(*p.green_threads_absent) << "\n";
  if (p.green_threads_error) out << "green threads error " << p.green_threads_error->message << "\n";
  out << "gc objects " << p.gc_objects_walked << "\n";
  if (p.green_threads)
    for (const auto& g : *p.green_threads) {
      out << "greenlet " << std::hex << g.address << std::dec << " " << g.type_name << " " << g.tid.value_or(0)
          << " running " << g.running << " main " << g.main << "\n";
      for (const auto& f : g.frames.frames)
        out << "  " << std::hex << f.frame.address << " " << f.code << std::dec << " " << f.qualname << " "
            << f.filename << ":" << f.line.value_or(-1) << "\n";
    }
  return out.str();
}

struct Dumped {
  attach::Snapshot snapshot;
  report::Report report;
  std::optional<py::PythonProcess> python;
  std::optional<py::PythonProcess> frozen;
  py::PythonPlan plan;
};

/// What `gmr dump` does for one pid, with the Python reading on.
Dumped dump(pid_t pid, py::WalkOptions walk = {}) {
  report::DumpSession session(pid);
  attach::CaptureOptions options;
  options.symbols = session.plan_known_symbols("gmr_config");
  const py::PythonPlan plan = session.plan_python(
      [pid](std::uint64_t address, std::size_t size) { return attach::read_memory_now(pid, address, size); },
      std::move(walk));
  options.while_frozen = session.python_step();
  auto snapshot = attach::capture(pid, options);
  REQUIRE(snapshot);
  Dumped out{std::move(*snapshot), {}, {}, {}, plan};
  out.report = session.build(out.snapshot, {.max_frames = 256, .source_lines = false});
  out.python = session.python().process;
  out.frozen = session.python_while_frozen();
  return out;
}

std::string states_text(pid_t pid) {
  std::string text;
  for (auto [tid, state] : test::thread_states(pid)) text += std::to_string(tid) + ":" + state + " ";
  return text;
}

/// Running again (no thread in T/t), the same threads, and it ends cleanly when asked.
void check_unharmed(test::Fixture& fixture, const std::vector<pid_t>& tids_before) {
  INFO("states: " << states_text(fixture.pid()));
  CHECK(test::wait_until(1s, [&] {
    for (auto [tid, state] : test::thread_states(fixture.pid()))
      if (state == 'T' || state == 't') return false;
    return true;
  }));
  CHECK(test::thread_ids(fixture.pid()) == tids_before);
  const int status = fixture.close_stdin_and_wait(10s);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

struct Counts {
  int threads = 0;
  int frames = 0;
};

/// The walk of one fixture against its expectation file.
Counts compare(const json& expected, const py::PythonProcess& python, const attach::Snapshot& snapshot) {
  Counts counts;
  std::map<pid_t, const py::PythonThread*> by_tid;
  for (const auto& t : python.threads)
    if (t.tid) by_tid[*t.tid] = &t;
  CHECK(python.threads.size() == expected["threads"].size());
  for (const auto& e : python.errors) MESSAGE("walker error: " << e.message);
  CHECK(python.errors.empty());
  const auto gil = expected["gil_holder"];
  CHECK(python.gil_holder == (gil.is_null() ? std::nullopt : std::optional<pid_t>(gil.get<pid_t>())));

  for (const auto& want : expected["threads"]) {
    const pid_t tid = want["tid"].get<pid_t>();
    const std::string name = want["name"].get<std::string>();
    CAPTURE(tid);
    CAPTURE(name);
    REQUIRE(by_tid.count(tid) == 1);
    const py::PythonThread& got = *by_tid.at(tid);
    CHECK(got.name == std::optional<std::string>(name));
    CHECK(got.thread_id == want["ident"].get<std::uint64_t>());
    CHECK(got.holds_gil == want["holds_gil"].get<bool>());
    CHECK_FALSE(got.truncated.has_value());

    const attach::ThreadSnapshot* native = nullptr;
    for (const auto& t : snapshot.threads)
      if (t.facts.tid == tid) native = &t;
    REQUIRE(native);
    REQUIRE(native->stack);
    std::vector<const py::PythonFrame*> frames;
    for (const auto& run : got.runs) {
      REQUIRE(!run.frames.empty());
      // Each eval-loop activation's marker lies on this thread's own C stack.
      REQUIRE(run.c_stack_marker.has_value());
      CHECK(native->stack->contains(*run.c_stack_marker, 8));
      for (const auto& f : run.frames) frames.push_back(&f);
    }
    const auto& want_frames = want["frames"];
    REQUIRE(frames.size() == want_frames.size());
    for (std::size_t i = 0; i < frames.size(); ++i) {
      CAPTURE(i);
      const py::PythonFrame& f = *frames[i];
      INFO("frame error: " << (f.error ? f.error->message : "none"));
      CHECK(f.qualname == want_frames[i]["function"].get<std::string>());
      CHECK(f.name == want_frames[i]["name"].get<std::string>());
      CHECK(f.filename == want_frames[i]["file"].get<std::string>());
      if (i == 0 && want.contains("innermost_lines")) {
        const auto lines = want["innermost_lines"].get<std::vector<int>>();
        REQUIRE(f.line.has_value());
        CHECK(std::ranges::find(lines, *f.line) != lines.end());
      } else {
        CHECK(f.line == std::optional<int>(want_frames[i]["line"].get<int>()));
      }
      ++counts.frames;
    }
    ++counts.threads;
  }
  return counts;
}

}  // namespace

TEST_SUITE("report::python_dump") {
  TEST_CASE("every plain Python fixture under every interpreter: threads, names, frames and GIL holder as recorded") {
    for (const auto& install : pt::installs_to_run()) {
      for (const auto& fixture : plain_fixtures) {
        const std::string script = fixture.script;
        CAPTURE(install.label);
        CAPTURE(script);
        pt::TempDir dir;
        const std::string expect = dir.path() + "/expect.json";
        test::FixtureOptions options;
        options.prefix = {install.binary, test::fixture_source(std::string("python/") + fixture.script)};
        options.args = fixture.args;
        options.env = {"GMR_PY_EXPECT=" + expect};
        options.wait_quiescent = !fixture.busy;
        options.timeout = 60s;
        test::Fixture target("python", options);  // the fixture ignores the path appended to the prefix
        const json expected = json::parse(gmr::test::read_text(expect));
        const std::vector<pid_t> tids = test::thread_ids(target.pid());

        const Dumped d = dump(target.pid());
        REQUIRE(d.plan.target.has_value());
        CHECK(d.plan.target->layout.version == expected["python"]["hexversion"].get<std::uint32_t>());
        CHECK(d.plan.target->hash_secret.has_value());  // str keys are looked up through the target's hash
        REQUIRE(d.python.has_value());
        REQUIRE(d.frozen.has_value());
        // The offline walk over the kept pages found exactly what the walk of the frozen process found.
        CHECK(describe(*d.python) == describe(*d.frozen));
        const Counts counts = compare(expected, *d.python, d.snapshot);
        REQUIRE(d.snapshot.frozen_step.has_value());
        const auto& step = *d.snapshot.frozen_step;
        CHECK_FALSE(step.budget_hit);
        CHECK_FALSE(step.error.has_value());
        MESSAGE(install.label << " " << script << ": " << counts.threads << " threads, " << counts.frames
                              << " frames equal; copied while frozen: " << step.pages << " pages ("
                              << step.pages * 4 << " KiB) in " << step.read_calls << " reads, walk "
                              << std::chrono::duration<double, std::micro>(step.duration).count() << " us ("
                              << std::chrono::duration<double, std::micro>(step.cpu).count()
                              << " us CPU), stop window "
                              << std::chrono::duration<double, std::micro>(d.snapshot.stop_window).count() << " us");
        check_unharmed(target, tids);
      }
    }
  }

  TEST_CASE("a Python gmr does not read (3.10): one note, the native stacks as for any process") {
    std::string binary;
    for (const char* candidate : {"/root/.pyenv/versions/3.10.13/bin/python3.10"})
      if (::access(candidate, X_OK) == 0) binary = candidate;
    if (binary.empty()) {
      MESSAGE("SKIPPED: no Python 3.10 installed (pyenv 3.10.13 expected at /root/.pyenv/versions/3.10.13)");
      return;
    }
    test::FixtureOptions options;
    options.prefix = {binary, "-c", "import sys, time; print('ready 1', flush=True); sys.stdin.read()"};
    test::Fixture target("python", options);
    const Dumped d = dump(target.pid());
    REQUIRE(d.plan.refused.has_value());
    CHECK(d.plan.refused->find("3.10") != std::string::npos);
    CHECK_FALSE(d.plan.target.has_value());
    CHECK_FALSE(d.python.has_value());
    CHECK_FALSE(d.snapshot.frozen_step.has_value());
    CHECK(d.snapshot.interpreter_memory.empty());
    const auto& notes = d.report.capture.notes;
    REQUIRE(std::ranges::count(notes, report::CaptureNote::Kind::python_not_read, &report::CaptureNote::kind) == 1);
    const auto note = std::ranges::find(notes, report::CaptureNote::Kind::python_not_read, &report::CaptureNote::kind);
    CHECK(note->reason.value_or("").find("Python 3.10") != std::string::npos);
    CHECK(report::note_text(*note).ends_with(": Python stacks not read"));
    REQUIRE(d.report.threads.size() == 1);
    CHECK(d.report.threads[0].frames.size() >= 3);
    CHECK(d.report.threads[0].errors.empty());
    check_unharmed(target, test::thread_ids(target.pid()));
  }

  TEST_CASE("a process without Python: no plan, nothing read while frozen") {
    test::Fixture target("fixture_threads_cpp");
    const Dumped d = dump(target.pid());
    CHECK_FALSE(d.plan.python());
    CHECK_FALSE(d.snapshot.frozen_step.has_value());
    CHECK(d.snapshot.interpreter_memory.empty());
    CHECK_FALSE(d.python.has_value());
  }

  TEST_CASE("greenlets: the offline walk finds exactly the green threads of the frozen one, and what the GC walk costs") {
    const std::string binary = pt::required_binary;
    const test::RunResult importable = test::run_command({binary, "-c", "import greenlet, eventlet"}, 60s);
    if (importable.exit_code != 0) {
      MESSAGE("SKIPPED: python3-greenlet / python3-eventlet not importable by " << binary << ": " << importable.err);
      return;
    }
    struct Case {
      const char* script;
      std::vector<std::string> args;
    };
    for (const Case& c : {Case{"greenlets_raw.py", {}}, Case{"eventlet_service.py", {}},
                          Case{"gc_heap.py", {"--objects", "1k"}}, Case{"gc_heap.py", {"--objects", "100k"}}}) {
      const std::string script = c.script;
      CAPTURE(script);
      pt::TempDir dir;
      const std::string expect = dir.path() + "/expect.json";
      test::FixtureOptions options;
      options.prefix = {binary, test::fixture_source(std::string("python/") + c.script)};
      options.args = c.args;
      options.env = {"GMR_PY_EXPECT=" + expect};
      options.timeout = 120s;
      test::Fixture target("python", options);
      const json expected = json::parse(gmr::test::read_text(expect));
      const std::vector<pid_t> tids = test::thread_ids(target.pid());

      const Dumped d = dump(target.pid());
      REQUIRE(d.python.has_value());
      REQUIRE(d.frozen.has_value());
      CHECK(describe(*d.python) == describe(*d.frozen));
      REQUIRE(d.python->green_threads.has_value());
      CHECK(d.python->green_threads->size() == expected["greenlets"].size());
      REQUIRE(d.snapshot.frozen_step.has_value());
      const auto& step = *d.snapshot.frozen_step;
      CHECK_FALSE(step.budget_hit);
      const Dumped off = dump(target.pid(), [] {
        py::WalkOptions walk;
        walk.green_threads = false;
        return walk;
      }());
      REQUIRE(off.python.has_value());
      CHECK(off.python->green_threads_absent == py::GreenThreadsAbsent::not_asked);
      CHECK(off.python->gc_objects_walked == 0);
      REQUIRE(off.snapshot.frozen_step.has_value());
      const auto& without = *off.snapshot.frozen_step;
      const auto us = [](auto d) { return std::chrono::duration<double, std::micro>(d).count(); };
      MESSAGE(script << " " << (c.args.empty() ? "" : c.args[1]) << ": " << d.python->green_threads->size()
                       << " greenlets among " << d.python->gc_objects_walked << " GC objects; frozen step "
                       << us(step.duration) << " us (" << us(step.cpu) << " us CPU), " << step.pages << " pages in "
                       << step.read_calls << " reads; without green threads " << us(without.duration) << " us ("
                       << us(without.cpu) << " us CPU), " << without.pages << " pages; stop window "
                       << us(d.snapshot.stop_window) << " vs " << us(off.snapshot.stop_window) << " us");
      check_unharmed(target, tids);
    }
  }

  TEST_CASE("greenlets at the search's bound: the ones found before it, each exactly as recorded, never a guess") {
    const std::string binary = pt::required_binary;
    const test::RunResult importable = test::run_command({binary, "-c", "import greenlet"}, 60s);
    if (importable.exit_code != 0) {
      MESSAGE("SKIPPED: python3-greenlet not importable by " << binary << ": " << importable.err);
      return;
    }
    pt::TempDir dir;
    const std::string expect = dir.path() + "/expect.json";
    test::FixtureOptions options;
    options.prefix = {binary, test::fixture_source("python/greenlets_raw.py")};
    options.env = {"GMR_PY_EXPECT=" + expect};
    options.timeout = 120s;
    test::Fixture target("python", options);
    const json expected = json::parse(gmr::test::read_text(expect));
    const std::vector<pid_t> tids = test::thread_ids(target.pid());
    std::map<std::uint64_t, const json*> recorded;
    for (const auto& g : expected["greenlets"]) recorded[g["id"].get<std::uint64_t>()] = &g;

    const Dumped full = dump(target.pid());
    REQUIRE(full.python.has_value());
    REQUIRE(full.python->green_threads.has_value());
    const std::size_t objects = full.python->gc_objects_walked;
    // Bisect the bound until it cuts the list of greenlets (they sit together in the GC lists): every
    // walk on the way stops early, and whatever it lists must be exactly as recorded.
    std::size_t below = 0, above = objects, partial_at = 0, partial_count = 0, dumps = 0;
    while (above - below > 1 && partial_count == 0) {
      const std::size_t bound = below + (above - below) / 2;
      CAPTURE(bound);
      py::WalkOptions walk;
      walk.greenlets.limits.max_objects = bound;
      const Dumped d = dump(target.pid(), walk);
      ++dumps;
      REQUIRE(d.python.has_value());
      CHECK(d.python->green_threads_absent == py::GreenThreadsAbsent::budget);
      CHECK(d.python->gc_objects_walked == bound);
      REQUIRE(d.python->green_threads.has_value());
      const std::size_t n = d.python->green_threads->size();
      CHECK(n <= recorded.size());
      for (const auto& g : *d.python->green_threads) {
        CAPTURE(g.address);
        REQUIRE(recorded.count(g.address) == 1);
        const json& want = *recorded.at(g.address);
        CHECK(g.tid == want["thread_tid"].get<pid_t>());
        CHECK(g.running == want["running"].get<bool>());
        if (g.running) continue;  // its frames are its thread's: checked with the threads
        REQUIRE(g.frames.frames.size() == want["frames"].size());
        for (std::size_t i = 0; i < g.frames.frames.size(); ++i) {
          CHECK(g.frames.frames[i].qualname == want["frames"][i]["function"].get<std::string>());
          CHECK(g.frames.frames[i].line == want["frames"][i]["line"].get<int>());
        }
      }
      // The same bound on the snapshot after release gives the same partial list.
      CHECK(describe(*d.python) == describe(*d.frozen));
      if (n == 0)
        below = bound;
      else if (n == full.python->green_threads->size())
        above = bound;
      else
        partial_at = bound, partial_count = n;
    }
    CHECK(partial_count > 0);
    MESSAGE("greenlets_raw: " << recorded.size() << " live greenlets among " << objects << " GC objects; "
                              << partial_count << " listed with the bound at " << partial_at << " objects ("
                              << dumps << " bounded dumps)");
    check_unharmed(target, tids);
  }
}
