// Torture 7: hard binaries and hard stacks, with exact frames where they are knowable. One source
// (tests/fixtures/hard.c) built with debug info, without it, stripped to .dynsym, and with frame pointers
// but no CFI at all; plus a 10,000-deep recursion, a thread using 8 MiB of stack, a signal handler on a
// sigaltstack, code in an anonymous executable mapping (JIT-like), and a Go program with cgo
// (tests/fixtures/go) whose stacks end where Go's runtime starts them.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "attach/capture.hpp"
#include "cli/exit_codes.hpp"
#include "support/json_schema.hpp"
#include "support/process.hpp"
#include "support/report_view.hpp"
#include "report/build/dump_session.hpp"
#include "report/build/report_builder.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;

const std::string hard_source = fixture_source("hard.c");

report::Report dump(pid_t pid, std::size_t max_frames = 256, std::size_t max_stack = 512 * 1024) {
  attach::CaptureOptions capture;
  capture.max_stack = max_stack;
  auto snapshot = attach::capture(pid, capture);
  if (!snapshot) throw std::runtime_error("capture failed: " + snapshot.error().message);
  report::BuildOptions build;
  build.max_frames = max_frames;
  return report::build_report(*snapshot, build);
}

bool in_libc(const report::Frame& frame) { return basename_of(frame.module).starts_with("libc.so"); }

/// Index of the first frame named `function`; throws when there is none.
std::size_t index_of(const report::Thread& thread, const std::string& function) {
  for (std::size_t i = 0; i < thread.frames.size(); ++i)
    if (thread.frames[i].function == function) return i;
  throw std::runtime_error("no frame " + function + " in\n" + describe_frames(thread));
}

/// Frame `i` is `function` in `binary`, at its @line marker when `lines`, without file or line otherwise.
void check_frame(const report::Thread& thread, std::size_t i, const std::string& function, const std::string& binary,
                 bool lines, const std::string& marker) {
  INFO("frame #", i, " expected ", function);
  REQUIRE(i < thread.frames.size());
  const report::Frame& frame = thread.frames[i];
  CHECK(frame.function == function);
  CHECK(basename_of(frame.module) == binary);
  CHECK(!frame.inlined);
  if (lines) {
    CHECK(basename_of(frame.file) == "hard.c");
    CHECK(frame.line == source_line(hard_source, marker));
  } else {
    CHECK(!frame.file.has_value());
    CHECK(!frame.line.has_value());
  }
}

/// libc's read() frames first, then the chain, then libc's start_thread and clone3 and nothing else.
void check_chain(const report::Thread& thread, const std::string& binary, bool lines) {
  INFO(describe_frames(thread));
  CHECK(thread.frozen);
  CHECK(thread.errors.empty());
  const std::size_t inner = index_of(thread, "hard_inner");
  REQUIRE(inner >= 1);
  for (std::size_t i = 0; i < inner; ++i) CHECK(in_libc(thread.frames[i]));
  check_frame(thread, inner, "hard_inner", binary, lines, "hard_inner");
  check_frame(thread, inner + 1, "hard_outer", binary, lines, "hard_outer");
  check_frame(thread, inner + 2, "hard_entry", binary, lines, "hard_entry");
  REQUIRE(thread.frames.size() == inner + 5);
  CHECK(thread.frames[inner + 3].function == "start_thread");
  CHECK(in_libc(thread.frames[inner + 4]));
}

}  // namespace

TEST_SUITE("torture::hard_binaries") {

TEST_CASE("debug info, no debug info, stripped to .dynsym, frame pointers without CFI: the same exact chain") {
  struct Variant {
    std::string binary;
    bool lines;
  };
  for (const Variant& v : {Variant{"fixture_hard", true}, Variant{"fixture_hard_nodebug", false},
                           Variant{"fixture_hard_stripped", false}, Variant{"fixture_hard_fp", false}}) {
    CAPTURE(v.binary);
    Fixture fixture(v.binary, {.args = {"chain"}});
    const report::Report report = dump(fixture.pid());
    CHECK(!report.partial());
    const report::Thread* worker = find_thread(report, "hard-worker");
    REQUIRE(worker != nullptr);
    check_chain(*worker, v.binary, v.lines);
  }
}

TEST_CASE("recursion 10,000 frames deep: max_frames honoured, and every frame when it allows them all") {
  Fixture fixture("fixture_hard", {.args = {"recurse", "10000"}});
  SUBCASE("cut at max_frames, and said so") {
    for (std::size_t max_frames : {std::size_t{256}, std::size_t{1000}}) {
      CAPTURE(max_frames);
      const report::Report report = dump(fixture.pid(), max_frames);
      const report::Thread* worker = find_thread(report, "hard-worker");
      REQUIRE(worker != nullptr);
      CHECK(worker->frames.size() == max_frames);
      CHECK(worker->frames_truncated);
      CHECK(worker->frames.back().function == "hard_recurse");
    }
  }
  SUBCASE("gmr dump --max-frames 50: fifty frames, then the truncation line") {
    const RunResult result = run_gmr({"dump", "--max-frames", "50", std::to_string(fixture.pid())});
    INFO("stderr: ", result.err);
    CHECK(result.exit_code == 0);
    const auto begin = result.out.find("\"hard-worker\"");
    REQUIRE(begin != std::string::npos);
    const auto end = result.out.find("... frames truncated", begin);
    REQUIRE(end != std::string::npos);
    const std::string section = result.out.substr(begin, end - begin);
    CHECK(section.find("\n#49 ") != std::string::npos);
    CHECK(section.find("\n#50 ") == std::string::npos);
  }
  SUBCASE("all 10,001 recursive frames with a big enough stack copy") {
    const report::Report report = dump(fixture.pid(), 20000, 8 << 20);
    const report::Thread* worker = find_thread(report, "hard-worker");
    REQUIRE(worker != nullptr);
    CHECK(worker->errors.empty());
    CHECK(!worker->frames_truncated);
    const std::size_t inner = index_of(*worker, "hard_inner");
    check_frame(*worker, inner + 1, "hard_recurse", "fixture_hard", true, "hard_recurse_bottom");
    std::size_t recursive = 0, wrong_line = 0;
    const int line = source_line(hard_source, "hard_recurse");
    for (std::size_t i = inner + 2; i < worker->frames.size() && worker->frames[i].function == "hard_recurse"; ++i) {
      ++recursive;
      wrong_line += worker->frames[i].line != line;
    }
    CHECK(recursive == 10000);
    CHECK(wrong_line == 0);
    const std::size_t entry = inner + 2 + recursive;
    check_frame(*worker, entry, "hard_recurse_entry", "fixture_hard", true, "hard_recurse_entry");
    REQUIRE(worker->frames.size() == entry + 3);
    CHECK(worker->frames[entry + 1].function == "start_thread");
  }
}

TEST_CASE("a thread using 8 MiB of stack: clearly partial with the default copy, complete with a bigger one") {
  Fixture fixture("fixture_hard", {.args = {"bigstack"}});
  {
    const report::Report report = dump(fixture.pid());
    const report::Thread* worker = find_thread(report, "hard-worker");
    REQUIRE(worker != nullptr);
    INFO(describe_frames(*worker));
    CHECK(report.partial());
    const std::size_t inner = index_of(*worker, "hard_inner");
    check_frame(*worker, inner + 1, "hard_bigstack_user", "fixture_hard", true, "hard_bigstack_user");
    CHECK(worker->frames.size() == inner + 2);  // its caller's frame is 8 MiB up: beyond the copy
    REQUIRE(worker->errors.size() == 1);
    CHECK(worker->errors[0].kind == report::ThreadError::Kind::unwind_memory_not_captured);
  }
  {
    const report::Report report = dump(fixture.pid(), 256, 16 << 20);
    const report::Thread* worker = find_thread(report, "hard-worker");
    REQUIRE(worker != nullptr);
    INFO(describe_frames(*worker));
    CHECK(!report.partial());
    const std::size_t inner = index_of(*worker, "hard_inner");
    check_frame(*worker, inner + 1, "hard_bigstack_user", "fixture_hard", true, "hard_bigstack_user");
    check_frame(*worker, inner + 2, "hard_bigstack_entry", "fixture_hard", true, "hard_bigstack_entry");
    REQUIRE(worker->frames.size() == inner + 5);
    CHECK(worker->frames[inner + 3].function == "start_thread");
  }
}

TEST_CASE("a signal handler running on a sigaltstack: the handler, the signal frame, then the interrupted code") {
  Fixture fixture("fixture_hard", {.args = {"altstack"}});
  const report::Report report = dump(fixture.pid());
  const report::Thread* worker = find_thread(report, "hard-worker");
  REQUIRE(worker != nullptr);
  INFO(describe_frames(*worker));
  CHECK(!report.partial());
  CHECK(worker->errors.empty());
  const std::size_t inner = index_of(*worker, "hard_inner");
  check_frame(*worker, inner, "hard_inner", "fixture_hard", true, "hard_inner");
  check_frame(*worker, inner + 1, "hard_altstack_handler", "fixture_hard", true, "hard_altstack_handler");
  REQUIRE(worker->frames.size() > inner + 3);
  CHECK(worker->frames[inner + 2].function == "__restore_rt");
  // Below the signal frame: the interrupted code on the thread's own stack (copied as a second range,
  // from the SP saved in the ucontext on the alternate stack): pthread_kill inside libc, then its callers.
  const std::size_t victim = index_of(*worker, "hard_altstack_victim");
  REQUIRE(victim > inner + 3);
  for (std::size_t i = inner + 3; i < victim; ++i) CHECK(in_libc(worker->frames[i]));
  check_frame(*worker, victim, "hard_altstack_victim", "fixture_hard", true, "hard_altstack_victim");
  check_frame(*worker, victim + 1, "hard_altstack_entry", "fixture_hard", true, "hard_altstack_entry");
  REQUIRE(worker->frames.size() == victim + 4);
  CHECK(worker->frames[victim + 2].function == "start_thread");
  CHECK(in_libc(worker->frames[victim + 3]));
}

/// The capture note that counts JIT frames, if any.
const report::CaptureNote* jit_note(const report::Report& report) {
  for (const auto& note : report.capture.notes)
    if (note.kind == report::CaptureNote::Kind::jit_frames) return &note;
  return nullptr;
}

TEST_CASE("code in an anonymous executable mapping (JIT-like): a JIT frame, then its caller") {
  Fixture fixture("fixture_hard", {.args = {"jit"}});
  const report::Report report = dump(fixture.pid());
  const report::Thread* worker = find_thread(report, "hard-worker");
  REQUIRE(worker != nullptr);
  INFO(describe_frames(*worker));
  CHECK(worker->errors.empty());
  CHECK(!worker->stack_end.has_value());
  const std::size_t inner = index_of(*worker, "hard_inner");
  check_frame(*worker, inner + 1, "hard_jit_callback", "fixture_hard", true, "hard_jit_callback");
  REQUIRE(worker->frames.size() == inner + 6);
  const report::Frame& jit = worker->frames[inner + 2];
  CHECK(!jit.module.has_value());
  CHECK(!jit.function.has_value());
  CHECK(jit.jit);
  for (std::size_t i = 0; i < worker->frames.size(); ++i) CHECK(worker->frames[i].jit == (i == inner + 2));
  check_frame(*worker, inner + 3, "hard_jit_entry", "fixture_hard", true, "hard_jit_entry");
  CHECK(worker->frames[inner + 4].function == "start_thread");
  const report::CaptureNote* note = jit_note(report);
  REQUIRE(note != nullptr);
  CHECK(note->count == 1u);

  const RunResult text = run_gmr({"dump", std::to_string(fixture.pid())});
  CHECK(text.exit_code == cli::exit_complete);
  CHECK(text.out.find(" ?? (JIT code: anonymous executable mapping)\n") != std::string::npos);
  CHECK(text.out.find("1 frame is in code generated at run time (JIT code in an anonymous executable mapping) that "
                      "gmr cannot name: the runtime's own tools name them (jstack PID for a JVM; "
                      "node --perf-basic-prof for node)") != std::string::npos);
}

TEST_CASE("JIT code that no unwind information or frame pointer leads out of: the stack ends there, not partial") {
  Fixture fixture("fixture_hard", {.args = {"jitlost"}});
  const report::Report report = dump(fixture.pid());
  const report::Thread* worker = find_thread(report, "hard-worker");
  REQUIRE(worker != nullptr);
  INFO(describe_frames(*worker));
  CHECK(!report.partial());
  CHECK(worker->errors.empty());
  const std::size_t inner = index_of(*worker, "hard_inner");
  check_frame(*worker, inner + 1, "hard_jit_callback", "fixture_hard", true, "hard_jit_callback");
  REQUIRE(worker->frames.size() == inner + 3);
  CHECK(worker->frames[inner + 2].jit);
  REQUIRE(worker->stack_end.has_value());
  CHECK(worker->stack_end->kind == report::StackEnd::Kind::jit_code);
  CHECK(!worker->stack_end->function.has_value());

  const RunResult result = run_gmr({"dump", "--json", std::to_string(fixture.pid())});
  INFO("stderr: ", result.err);
  CHECK(result.exit_code == cli::exit_complete);
  const SchemaCheck check = check_schema(result.out);
  CHECK_MESSAGE(check.valid, check.problems);
  const auto lines = parse_json_lines(result.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["status"] == "complete");
  for (const auto& thread : lines[0]["threads"]) {
    if (thread["name"] != "hard-worker") continue;
    CHECK(thread["errors"].empty());
    CHECK(thread["stack_end"]["kind"] == "jit_code");
    CHECK(thread["stack_end"]["message"].get<std::string>().find("jstack") != std::string::npos);
    CHECK(thread["frames"].back()["jit"] == true);
  }
}

TEST_CASE("Go with cgo: stacks end at runtime.goexit, runtime.mstart or runtime.mcall, and the report is complete") {
  // Built by tests/fixtures/CMakeLists.txt when Debian's golang-go (.ci/packages) is installed.
  const std::string binary = fixture_path("fixture_go");
  REQUIRE_MESSAGE(std::filesystem::exists(binary), "no ", binary, ": install golang-go (.ci/packages) and re-run cmake");
  const std::string go_source = fixture_source("go/main.go");
  Fixture fixture("fixture_go", {.args = {}, .wait_quiescent = false});
  // Both readers (the pinned goroutine's thread and main's) inside read(2): their stacks are still. And
  // every other thread asleep in a system call too, just before the freeze: the runtime's idle Ms (which
  // end at runtime.mstart) wake now and then, and one caught running has no still stack to check.
  REQUIRE(wait_until(10s, [&] {
    int readers = 0, asleep = 0;
    const auto tids = thread_ids(fixture.pid());
    for (pid_t tid : tids) {
      const auto call = thread_syscall(fixture.pid(), tid);
      readers += call == "0";
      asleep += call.has_value() && *call != "running";
    }
    return readers == 2 && asleep == static_cast<int>(tids.size());
  }));
  // Dumped as gmr dump does (one DumpSession, its known-symbol plan made before the freeze).
  report::DumpSession session(fixture.pid());
  attach::CaptureOptions capture;
  capture.symbols = session.plan_known_symbols("gmr_config");
  auto snapshot = attach::capture(fixture.pid(), capture);
  REQUIRE_MESSAGE(snapshot, "capture failed");
  const report::Report report = session.build(*snapshot, {.max_frames = 256});

  std::size_t blocked = 0, at_mstart = 0;
  const report::Thread* pinned = nullptr;
  for (const report::Thread& thread : report.threads) {
    CAPTURE(thread.tid);
    INFO(describe_frames(thread));
    REQUIRE(!thread.frames.empty());
    // A thread blocked in a system call has a still stack: it must unwind to its real end, without error.
    if (!thread.syscall) continue;
    ++blocked;
    CHECK(thread.errors.empty());
    const std::string last = thread.frames.back().function.value_or("??");
    CHECK((last == "runtime.goexit" || last == "runtime.mstart" || last == "runtime.mcall" ||
           last == "runtime.rt0_go" || last == "clone3"));
    if (thread.stack_end) {
      CHECK(thread.stack_end->kind == report::StackEnd::Kind::outermost_function);
      CHECK(thread.stack_end->function == last);
    }
    at_mstart += last == "runtime.mstart" && thread.stack_end.has_value();
    for (const auto& frame : thread.frames)
      if (frame.function == "main.goBlockInner") pinned = &thread;
  }
  CHECK(blocked >= 3);
  CHECK(at_mstart >= 1);  // cgo's crosscall_amd64 below runtime.mstart has no CFI: libdwfl fails past it
  // Complete, except that a runtime thread caught running Go code (GC, scavenger: seen under load) may stop
  // at a pc without unwind info; blocked threads were checked above, every thread must be frozen.
  CHECK(report.capture.consistent);
  for (const report::Thread& thread : report.threads) {
    CAPTURE(thread.tid);
    CHECK(thread.frozen);
    if (!thread.syscall && !thread.errors.empty())
      MESSAGE("thread ", thread.tid, " was running at the freeze and ends in an unwind error: ", describe_frames(thread));
  }

  REQUIRE(pinned != nullptr);
  INFO(describe_frames(*pinned));
  const auto go_frame = [&](std::size_t i, const std::string& function, const std::string& marker) {
    INFO("frame #", i, " expected ", function);
    REQUIRE(i < pinned->frames.size());
    CHECK(pinned->frames[i].function == function);
    CHECK(basename_of(pinned->frames[i].file) == "main.go");
    CHECK(pinned->frames[i].line == source_line(go_source, marker));
  };
  const std::size_t inner = index_of(*pinned, "main.goBlockInner");
  go_frame(inner, "main.goBlockInner", "goBlockInner");
  go_frame(inner + 1, "main.goBlockOuter", "goBlockOuter");
  go_frame(inner + 2, "main.goBlockEntry", "goBlockEntry");
  REQUIRE(pinned->frames.size() == inner + 4);
  CHECK(pinned->frames[inner + 3].function == "runtime.goexit");

  // Exit status, JSON status and the text agree.
  const RunResult text = run_gmr({"dump", std::to_string(fixture.pid())});
  INFO("stderr: ", text.err);
  CHECK(text.exit_code == cli::exit_complete);
  CHECK(text.out.find("error        =") == std::string::npos);
  CHECK(text.out.find("(the stack starts at runtime.mstart: nothing past it is a frame") != std::string::npos);
  const RunResult json = run_gmr({"dump", "--json", std::to_string(fixture.pid())});
  CHECK(json.exit_code == cli::exit_complete);
  const SchemaCheck check = check_schema(json.out);
  CHECK_MESSAGE(check.valid, check.problems);
  const auto lines = parse_json_lines(json.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["status"] == "complete");
}

}  // TEST_SUITE
