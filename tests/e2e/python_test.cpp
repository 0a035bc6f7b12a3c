// `gmr dump` through the real binary on the Python fixtures (tests/fixtures/python), under every
// interpreter installed (Debian's python3.11, pyenv 3.11/3.12/3.13; a missing pyenv build is skipped
// loudly, a missing Debian python3.11 fails): for every thread, the Python frames of the merged output —
// text and JSON — equal the stack the fixture recorded for itself (qualified name, file, line, innermost
// first), the thread is named as threading names it, the GIL holder is the one recorded, every run is
// placed above an activation of _PyEval_EvalFrameDefault, and each JSON line is valid against the
// schema. Then the options that shape the frames (--native, --group, --format folded, --max-frames,
// --threads) on one fixture, and the target's health afterwards.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
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
using pt::plain_fixtures;
using pt::PlainFixture;
using pt::check_unharmed;

std::unique_ptr<pt::RunningFixture> start(const std::string& binary, const PlainFixture& fixture) {
  auto running = std::make_unique<pt::RunningFixture>();
  const std::string expect = running->dir.path() + "/expect.json";
  FixtureOptions options;
  options.prefix = {binary, fixture_source(std::string("python/") + fixture.script)};
  options.args = fixture.args;
  options.env = {"GMR_PY_EXPECT=" + expect};
  options.wait_quiescent = !fixture.busy;
  options.timeout = 60s;
  running->fixture = std::make_unique<Fixture>("python", options);  // the fixture ignores the appended path
  running->expected = json::parse(read_text(expect));
  running->tids = thread_ids(running->fixture->pid());
  return running;
}

json dump_json(pid_t pid, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"dump", "--json", "--no-source"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(std::to_string(pid));
  const RunResult result = run_gmr(args, 60s);
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_code == cli::exit_complete);
  const SchemaCheck check = check_schema(result.out);
  CHECK_MESSAGE(check.valid, check.problems);
  const auto lines = parse_json_lines(result.out);
  REQUIRE(lines.size() == 1);
  return lines[0];
}

std::string dump_text(pid_t pid, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"dump"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(std::to_string(pid));
  const RunResult result = run_gmr(args, 60s);
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_code == cli::exit_complete);
  return result.out;
}

struct ShownFrame {
  std::string function;
  std::string file;
  int line = 0;
};

/// One frame of the expectation against one shown frame; frame 0 of a busy thread may be at any of its
/// innermost_lines.
void check_frame(const json& want_thread, std::size_t i, const ShownFrame& got) {
  const json& want = want_thread["frames"][i];
  CAPTURE(i);
  CHECK(got.function == want["function"].get<std::string>());
  CHECK(got.file == want["file"].get<std::string>());
  if (i == 0 && want_thread.contains("innermost_lines")) {
    const auto lines = want_thread["innermost_lines"].get<std::vector<int>>();
    CHECK(std::ranges::find(lines, got.line) != lines.end());
  } else {
    CHECK(got.line == want["line"].get<int>());
  }
}

std::string hex_of(std::uint64_t value) {
  std::ostringstream hex;
  hex << "0x" << std::hex << value;
  return hex.str();
}

/// JSON: a thread the fixture says is blocked acquiring a threading lock has the Python side of its futex
/// wait — that lock (id, type, an RLock's owner and count) and the frame that asked — and no other thread
/// has one. Returns 1 for a lock wait checked.
std::size_t check_lock_wait(const json& want, const json& thread) {
  const json& wait = thread["wait"];
  const json& waits_for = want["waits_for"];
  if (waits_for.is_null()) {
    CHECK((wait.is_null() || wait["python_lock"].is_null()));
    return 0;
  }
  REQUIRE(wait.is_object());
  CHECK(wait["kind"] == "futex");
  const json& lock = wait["python_lock"];
  REQUIRE_MESSAGE(lock.is_object(), "no Python lock on the wait " << wait.dump());
  CHECK(lock["kind"] == waits_for["kind"]);
  CHECK(lock["type"] == waits_for["type"]);
  CHECK(lock["address"] == hex_of(waits_for["lock_id"].get<std::uint64_t>()));
  // The asking frame: the expectation's index among the Python frames, the report's among all frames.
  const auto asking = waits_for["frame"].get<std::size_t>();
  std::size_t python_index = 0;
  std::optional<std::size_t> shown;
  const json& frames = thread["frames"];
  for (std::size_t i = 0; i < frames.size() && !shown; ++i)
    if (frames[i]["kind"] == "python" && python_index++ == asking) shown = i;
  REQUIRE(shown.has_value());
  CHECK(lock["frame"] == frames[*shown]["index"]);
  const json& want_frame = want["frames"][asking];
  CHECK(lock["function"] == want_frame["function"]);
  CHECK(lock["file"] == want_frame["file"]);
  CHECK(lock["line"] == want_frame["line"]);
  if (waits_for["kind"] == "rlock") {
    CHECK(lock["owner"] == waits_for["owner_tid"]);
    CHECK(lock["owner_ident"] == hex_of(waits_for["owner_ident"].get<std::uint64_t>()));
    CHECK(lock["count"] == waits_for["count"]);
  } else {
    CHECK(lock["owner"].is_null());
    CHECK(lock["count"].is_null());
  }
  return 1;
}

/// JSON: each expected thread's Python frames, name, GIL; every run placed above an eval-loop activation.
std::size_t check_json(const json& expected, const json& report, std::size_t& lock_waits) {
  std::size_t frames = 0;
  std::map<pid_t, const json*> by_tid;
  for (const auto& thread : report["threads"]) by_tid[thread["tid"].get<pid_t>()] = &thread;
  const json& python = report["python"];
  REQUIRE(python.is_object());
  CHECK(python["hexversion"] == expected["python"]["hexversion"]);
  CHECK(python["version"] == expected["python"]["version"]);
  CHECK(python["gil_holder"] == expected["gil_holder"]);
  CHECK(python["errors"].empty());
  for (const auto& want : expected["threads"]) {
    const pid_t tid = want["tid"].get<pid_t>();
    CAPTURE(tid);
    REQUIRE(by_tid.count(tid) == 1);
    const json& thread = *by_tid.at(tid);
    REQUIRE(thread["python"].is_object());
    CHECK(thread["python"]["name"] == want["name"]);
    CHECK(thread["python"]["holds_gil"] == want["holds_gil"]);
    CHECK(thread["python"]["ident"] == "0x" + [&] {
      std::ostringstream hex;
      hex << std::hex << want["ident"].get<std::uint64_t>();
      return hex.str();
    }());
    CHECK(thread["python"]["unplaced_frames"] == 0);
    CHECK(thread["frames_truncated"] == false);
    std::vector<ShownFrame> got;
    const json& all = thread["frames"];
    for (std::size_t i = 0; i < all.size(); ++i) {
      const json& frame = all[i];
      if (frame["kind"] != "python") continue;
      CHECK(frame["python"]["placed"] == true);
      CHECK(frame["python"]["name"] == want["frames"][got.size()]["name"]);
      got.push_back({frame["function"].get<std::string>(), frame["file"].get<std::string>(), frame["line"].get<int>()});
      // The end of a run: the next native frame that is not inlined is the eval loop that runs it.
      if (i + 1 < all.size() && all[i + 1]["kind"] == "native") {
        std::size_t j = i + 1;
        while (j < all.size() && all[j]["inlined"] == true) ++j;
        REQUIRE(j < all.size());
        CHECK(all[j]["function"].get<std::string>().starts_with("_PyEval_EvalFrameDefault"));
      }
    }
    REQUIRE(got.size() == want["frames"].size());
    for (std::size_t i = 0; i < got.size(); ++i) check_frame(want, i, got[i]);
    frames += got.size();
    lock_waits += check_lock_wait(want, thread);
  }
  return frames;
}

/// The lines of thread `tid`'s block in a text report: from its header to the next header or section.
std::vector<std::string> thread_block(const std::string& text, pid_t tid) {
  std::vector<std::string> block;
  std::istringstream in(text);
  bool inside = false;
  const std::string header = " Thread " + std::to_string(tid) + " ";
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("------") || line.starts_with("====")) {
      inside = line.find(header) != std::string::npos;
      if (inside) block.push_back(line);
      continue;
    }
    if (inside) block.push_back(line);
  }
  return block;
}

/// Text: each expected thread's header names it as threading does; its Python frame lines
/// ("#N FILE:LINE in QUALNAME") equal the expectation, a folded recursion ("... N more calls of f (#a-#b)",
/// "... N more rounds of f -> g (#a-#b)") standing for N more copies of the frames (the round) shown just
/// before it. Returns the number of such fold lines.
std::size_t check_text(const json& expected, const std::string& text) {
  const std::regex python_line(R"(^#[0-9]+ +(.+):([0-9]+) in (.+)$)");
  const std::regex fold_line(R"(^\.\.\. ([0-9,]+) more (calls|rounds?) of (.+) \(#([0-9]+)-#([0-9]+)\)$)");
  std::size_t folds = 0;
  for (const auto& want : expected["threads"]) {
    const pid_t tid = want["tid"].get<pid_t>();
    CAPTURE(tid);
    const auto block = thread_block(text, tid);
    REQUIRE(!block.empty());
    CHECK(block[0].find("Thread " + std::to_string(tid) + " \"" + want["name"].get<std::string>() + "\"") !=
          std::string::npos);
    bool gil_line = false;
    std::vector<ShownFrame> got;
    for (const auto& line : block) {
      if (line.starts_with("python       = ") && line.ends_with("holds the GIL")) gil_line = true;
      std::smatch m;
      if (std::regex_match(line, m, python_line)) got.push_back({m[3], m[1], std::stoi(m[2])});
      if (std::regex_match(line, m, fold_line)) {
        ++folds;
        std::string digits = m[1];
        std::erase(digits, ',');
        const std::size_t count = std::stoul(digits);
        const std::string names = m[3];
        std::size_t period = 1;
        for (auto at = names.find(" -> "); at != std::string::npos; at = names.find(" -> ", at + 1)) ++period;
        if (m[2] == "calls") CHECK(period == 1);
        REQUIRE(got.size() >= period);
        const std::vector<ShownFrame> round(got.end() - static_cast<std::ptrdiff_t>(period), got.end());
        for (std::size_t k = 0; k < count; ++k) got.insert(got.end(), round.begin(), round.end());
        CHECK(std::stoul(m[5].str()) - std::stoul(m[4].str()) + 1 == count * period);
      }
    }
    CHECK(gil_line == want["holds_gil"].get<bool>());
    // "- waiting to acquire _thread.lock 0x… (…), asked by QUALNAME at FILE:LINE (#N); futex …"
    const json& waits_for = want["waits_for"];
    const auto lock_line = std::ranges::find_if(block, [](const std::string& line) {
      return line.starts_with("- waiting to acquire ");
    });
    if (waits_for.is_null()) {
      CHECK(lock_line == block.end());
    } else {
      REQUIRE(lock_line != block.end());
      const json& asking = want["frames"][waits_for["frame"].get<std::size_t>()];
      CHECK(lock_line->starts_with("- waiting to acquire " + waits_for["type"].get<std::string>() + " " +
                                   hex_of(waits_for["lock_id"].get<std::uint64_t>()) + " "));
      CHECK(lock_line->find(", asked by " + asking["function"].get<std::string>() + " at " +
                            asking["file"].get<std::string>() + ":" + std::to_string(asking["line"].get<int>())) !=
            std::string::npos);
      if (waits_for["kind"] == "rlock")
        CHECK(lock_line->find(" held by thread " + std::to_string(waits_for["owner_tid"].get<pid_t>()) + " ") !=
              std::string::npos);
      CHECK(lock_line->find("; futex ") != std::string::npos);
    }
    REQUIRE(got.size() == want["frames"].size());
    for (std::size_t i = 0; i < got.size(); ++i) check_frame(want, i, got[i]);
  }
  return folds;
}

}  // namespace

TEST_SUITE("e2e::python") {
  TEST_CASE("every plain Python fixture under every interpreter: gmr's merged text and JSON equal the recorded stacks") {
    for (const auto& install : pt::installs_to_run()) {
      for (const auto& fixture : plain_fixtures) {
        CAPTURE(install.label);
        CAPTURE(fixture.script);
        auto running = start(install.binary, fixture);
        const pid_t pid = running->fixture->pid();
        const json report = dump_json(pid);
        std::size_t lock_waits = 0;
        const std::size_t frames = check_json(running->expected, report, lock_waits);
        const std::size_t folds = check_text(running->expected, dump_text(pid));
        // Python recursion folds like native recursion: recursion.py's 100 frames of descend and 60 of
        // ping -> pong, each crowd.py thread's climb (26 frames of it); nothing else recurses.
        const std::string script = fixture.script;
        CHECK(folds == (script == "recursion.py" ? 2 : script == "crowd.py" ? 50 : 0));
        MESSAGE(install.label << " " << std::string(fixture.script) << ": " << running->expected["threads"].size()
                              << " threads, " << frames << " Python frames equal in JSON and text, " << lock_waits
                              << " lock waits named");
        if (std::string(fixture.script) == "locks.py") CHECK(lock_waits == 5);
        check_unharmed(*running);
      }
    }
  }

  TEST_CASE("Python threads deadlocked on two RLocks: the Deadlocks section in text and JSON, exit 5") {
    // deadlock.py: "left" and "right" each hold one RLock and wait for the other's (a cycle CPython's own
    // records prove); "lock-side" and "rlock-side" are deadlocked on a Lock and an RLock, but a Lock records
    // no owner, so only one edge of theirs is known and no deadlock may be claimed for them.
    for (const auto& install : pt::installs_to_run()) {
      CAPTURE(install.label);
      auto running = start(install.binary, PlainFixture{"deadlock.py", {}});
      const pid_t pid = running->fixture->pid();
      const json& expected = running->expected;
      std::map<std::string, pid_t> tid_of;
      for (const auto& thread : expected["threads"]) tid_of[thread["name"].get<std::string>()] = thread["tid"].get<pid_t>();
      const std::vector<pid_t> cycle = {std::min(tid_of.at("left"), tid_of.at("right")),
                                        std::max(tid_of.at("left"), tid_of.at("right"))};

      const RunResult as_json = run_gmr({"dump", "--json", "--no-source", std::to_string(pid)}, 60s);
      INFO("stderr: " << as_json.err);
      CHECK(as_json.exit_code == cli::exit_deadlock);
      const SchemaCheck check = check_schema(as_json.out);
      CHECK_MESSAGE(check.valid, check.problems);
      const auto docs = parse_json_lines(as_json.out);
      REQUIRE(docs.size() == 1);
      const json& report = docs[0];
      REQUIRE(report.at("deadlocks").size() == 1);
      CHECK(report.at("deadlocks")[0].at("threads").get<std::vector<pid_t>>() == cycle);
      std::size_t lock_waits = 0;
      check_json(expected, report, lock_waits);
      CHECK(lock_waits == 4);

      const RunResult text = run_gmr({"dump", "--no-source", std::to_string(pid)}, 60s);
      CHECK(text.exit_code == cli::exit_deadlock);
      const std::regex banner(R"(\n====+ +Deadlocks +====+\n)");
      std::smatch found;
      REQUIRE(std::regex_search(text.out, found, banner));
      const auto section = static_cast<std::size_t>(found.position(0));
      const std::string deadlocks = text.out.substr(section);
      CHECK(std::ranges::count(lines_of(deadlocks), std::string("Found one deadlock:")) == 1);
      for (const char* name : {"left", "right"}) {
        const json* want = nullptr;
        for (const auto& thread : expected["threads"])
          if (thread["name"] == name) want = &thread;
        REQUIRE(want != nullptr);
        const json& waits_for = (*want)["waits_for"];
        const std::string holder = waits_for["holder_tid"].get<pid_t>() == tid_of.at("left") ? "left" : "right";
        const std::string line = "  thread " + std::to_string((*want)["tid"].get<pid_t>()) + " \"" + name +
                                 "\": waiting to acquire _thread.RLock " +
                                 hex_of(waits_for["lock_id"].get<std::uint64_t>()) + " held by thread " +
                                 std::to_string(tid_of.at(holder)) + " \"" + holder + "\" (acquired 1 time), asked by ";
        CAPTURE(line);
        CHECK(deadlocks.find(line) != std::string::npos);
      }
      for (const char* name : {"lock-side", "rlock-side"})
        CHECK(deadlocks.find("\"" + std::string(name) + "\"") == std::string::npos);
      check_text(expected, text.out.substr(0, section));  // the Threads section: the stacks shown once
      check_unharmed(*running);
    }
  }

  TEST_CASE("--native, --group, --format folded, --max-frames and --threads on a Python process") {
    const std::string binary = pt::required_binary;
    REQUIRE_MESSAGE(::access(binary.c_str(), X_OK) == 0, binary << " is missing: install the python3.11 package");
    auto running = start(binary, plain_fixtures[0]);  // threads_nested.py
    const pid_t pid = running->fixture->pid();
    const json& expected = running->expected;

    // The default view leaves the eval loop out; --native shows it.
    const std::string plain = dump_text(pid, {"--no-source"});
    CHECK(plain.find("_PyEval_EvalFrameDefault") == std::string::npos);
    CHECK(plain.find("native frames not shown: the interpreter's plumbing and the thread's start-up") != std::string::npos);
    const std::string native = dump_text(pid, {"--no-source", "--native"});
    CHECK(native.find("_PyEval_EvalFrameDefault") != std::string::npos);
    check_text(expected, native);

    // --group: no two threads of this fixture run the same Python code, so every group has one thread,
    // named as threading names it.
    const json grouped = dump_json(pid, {"--group"});
    CHECK(grouped["groups"].size() == expected["threads"].size());
    for (const auto& group : grouped["groups"]) {
      CHECK(group["count"] == 1);
      const pid_t tid = group["tids"][0].get<pid_t>();
      for (const auto& want : expected["threads"])
        if (want["tid"] == tid) CHECK(group["names"][0]["name"] == want["name"]);
    }

    // Folded: one line per thread, each with its Python frames outermost first as "qualname (file:line)".
    const RunResult folded = run_gmr({"dump", "--format", "folded", std::to_string(pid)}, 60s);
    REQUIRE(folded.exit_code == cli::exit_complete);
    const auto lines = lines_of(folded.out);
    CHECK(lines.size() == expected["threads"].size());
    for (const auto& want : expected["threads"]) {
      std::string chain;
      const auto& frames = want["frames"];
      for (auto it = frames.rbegin(); it != frames.rend(); ++it)
        chain += ";" + (*it)["function"].get<std::string>() + " (" + (*it)["file"].get<std::string>() + ":" +
                 std::to_string((*it)["line"].get<int>()) + ")";
      CAPTURE(chain);
      CHECK(std::ranges::count_if(lines, [&](const std::string& line) { return line.find(chain) != std::string::npos; }) >= 1);
    }
    CHECK(folded.out.find("_PyEval_EvalFrameDefault") == std::string::npos);

    // --max-frames counts Python frames too; --threads keeps one thread with its Python frames.
    const json capped = dump_json(pid, {"--max-frames", "4"});
    for (const auto& thread : capped["threads"]) CHECK(thread["frames"].size() <= 4);
    const json& want = expected["threads"][1];
    const pid_t tid = want["tid"].get<pid_t>();
    const json one = dump_json(pid, {"--threads", std::to_string(tid)});
    REQUIRE(one["threads"].size() == 1);
    CHECK(one["threads"][0]["tid"] == tid);
    std::size_t python_frames = 0;
    for (const auto& frame : one["threads"][0]["frames"]) python_frames += frame["kind"] == "python";
    CHECK(python_frames == want["frames"].size());

    check_unharmed(*running);
  }
}
