// Torture 7: hard binaries and hard stacks, with exact frames where they are knowable. One source
// (tests/fixtures/hard.c) built with debug info, without it, stripped to .dynsym, and with frame pointers
// but no CFI at all; plus a 10,000-deep recursion, a thread using 8 MiB of stack, a signal handler on a
// sigaltstack and code in an anonymous executable mapping.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "attach/capture.hpp"
#include "cli/exit_codes.hpp"
#include "support/process.hpp"
#include "support/report_view.hpp"
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

TEST_CASE("a signal handler running on a sigaltstack: the handler's frames and the signal frame, exact") {
  Fixture fixture("fixture_hard", {.args = {"altstack"}});
  const report::Report report = dump(fixture.pid());
  const report::Thread* worker = find_thread(report, "hard-worker");
  REQUIRE(worker != nullptr);
  INFO(describe_frames(*worker));
  const std::size_t inner = index_of(*worker, "hard_inner");
  check_frame(*worker, inner, "hard_inner", "fixture_hard", true, "hard_inner");
  check_frame(*worker, inner + 1, "hard_altstack_handler", "fixture_hard", true, "hard_altstack_handler");
  REQUIRE(worker->frames.size() > inner + 3);
  CHECK(worker->frames[inner + 2].function == "__restore_rt");
  // The interrupted code: pthread_kill inside libc. Its stack is the thread's own, which the copy (the
  // mapping SP is in: the alternate stack) does not hold: the report says where it stopped, never guesses.
  CHECK(in_libc(worker->frames[inner + 3]));
  CHECK(report.partial());
  REQUIRE(worker->errors.size() == 1);
  CHECK(worker->errors[0].kind == report::ThreadError::Kind::unwind_memory_not_captured);
}

TEST_CASE("code in an anonymous executable mapping (JIT-like): a frame without module, then its caller") {
  Fixture fixture("fixture_hard", {.args = {"jit"}});
  const report::Report report = dump(fixture.pid());
  const report::Thread* worker = find_thread(report, "hard-worker");
  REQUIRE(worker != nullptr);
  INFO(describe_frames(*worker));
  CHECK(worker->errors.empty());
  const std::size_t inner = index_of(*worker, "hard_inner");
  check_frame(*worker, inner + 1, "hard_jit_callback", "fixture_hard", true, "hard_jit_callback");
  REQUIRE(worker->frames.size() == inner + 6);
  const report::Frame& jit = worker->frames[inner + 2];
  CHECK(!jit.module.has_value());
  CHECK(!jit.function.has_value());
  check_frame(*worker, inner + 3, "hard_jit_entry", "fixture_hard", true, "hard_jit_entry");
  CHECK(worker->frames[inner + 4].function == "start_thread");
}

}  // TEST_SUITE
