// build_report() where things are missing: stack bytes, the executable's file, .debug_aranges.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "attach/live_files.hpp"
#include "support/process.hpp"
#include "support/report_view.hpp"
#include "symbolize/frame_resolver.hpp"
#include "report/build/report_builder.hpp"
#include "symbolize/snapshot_dwfl.hpp"
#include "report/render/wording.hpp"

namespace {

using namespace gmr;

// A copy of a fixture program in the fixture directory, removed when the test ends.
struct FixtureCopy {
  std::string name;
  std::filesystem::path path;
  FixtureCopy(std::string_view original, std::string_view tag) {
    name = std::string(tag) + "-" + std::to_string(getpid());
    path = test::fixture_path(name);
    std::filesystem::copy_file(test::fixture_path(original), path, std::filesystem::copy_options::overwrite_existing);
  }
  ~FixtureCopy() { std::filesystem::remove(path); }
};

}  // namespace

TEST_SUITE("symbolize::robustness") {

TEST_CASE("a thread whose stack copy is missing keeps its innermost frames and gets one error line") {
  test::Fixture fixture("fixture_threads_cpp");
  attach::Snapshot snapshot = test::capture_or_throw(fixture.pid());
  pid_t victim = 0;
  for (auto& thread : snapshot.threads)
    if (thread.facts.name == std::optional<std::string>("cpp-pool-0")) {
      thread.stack.reset();
      victim = thread.facts.tid;
    }
  REQUIRE(victim != 0);

  const report::Report report = report::build_report(snapshot, {});
  for (const auto& thread : report.threads) {
    INFO(test::describe_frames(thread));
    if (thread.tid != victim) {
      CHECK(thread.errors.empty());
      continue;
    }
    CHECK(thread.frozen);
    REQUIRE(!thread.frames.empty());
    CHECK(test::basename_of(thread.frames.front().module).starts_with("libc.so"));
    REQUIRE(thread.errors.size() == 1);
    const report::ThreadError& error = thread.errors[0];
    using Kind = report::ThreadError::Kind;
    CHECK((error.kind == Kind::unwind_stopped || error.kind == Kind::unwind_no_pc ||
           error.kind == Kind::unwind_memory_not_captured));
    // After the last frame the report shows, numbered as the report numbers it.
    REQUIRE(error.after.has_value());
    CHECK(error.after->index == std::optional<int>(thread.frames.back().index));
    CHECK(error.after->pc == thread.frames.back().pc);
    CHECK(report::thread_error_text(error).starts_with("unwind stopped after #" +
                                                       std::to_string(thread.frames.back().index) + " at "));
    // Nothing of the fixture's own code is reachable without the stack.
    for (const auto& frame : thread.frames) CHECK(test::basename_of(frame.file) != "threads_cpp.cpp");
  }
}

TEST_CASE("a deleted executable is still named, through /proc/PID/exe") {
  FixtureCopy copy("fixture_threads_c", "fixture-deleted");
  test::Fixture fixture(copy.name);
  std::filesystem::remove(copy.path);

  const report::Report report = test::dump_in_process(fixture.pid());
  CHECK(report.package.executable == std::optional<std::string>(copy.path.string()));
  CHECK(report.package.executable_deleted);
  CHECK(report.package.build_id.has_value());
  CHECK_FALSE(report.package.package.has_value());

  const report::Thread* sleeper = test::find_thread(report, std::string_view("c-sleep"));
  REQUIRE(sleeper != nullptr);
  INFO(test::describe_frames(*sleeper));
  CHECK(sleeper->errors.empty());
  bool found = false;
  for (const auto& frame : sleeper->frames)
    if (frame.function == std::optional<std::string>("c_sleep_inner")) {
      found = true;
      CHECK(frame.module == std::optional<std::string>(copy.path.string()));
      CHECK(frame.line == std::optional<int>(test::source_line(test::fixture_source("threads_c.c"), "c_sleep_inner")));
    }
  CHECK(found);
}

TEST_CASE("without .debug_aranges, lines and inlined frames are found through the CU range map") {
  // The pool worker's frames from a normal capture…
  test::Fixture fixture("fixture_threads_cpp");
  const report::Report report = test::dump_in_process(fixture.pid());
  const report::Thread* pool = test::find_thread(report, std::string_view("cpp-pool-0"));
  REQUIRE(pool != nullptr);
  INFO(test::describe_frames(*pool));
  std::vector<const report::Frame*> expected;
  for (const auto& frame : pool->frames)
    if (test::basename_of(frame.file) == "threads_cpp.cpp") expected.push_back(&frame);
  REQUIRE(expected.size() == 3);  // block_on_queue, wait_for_job (inlined), run
  REQUIRE(expected[1]->inlined);

  // …named again from a copy of the executable without .debug_aranges, mapped at a made-up base.
  FixtureCopy copy("fixture_threads_cpp", "fixture-no-aranges");
  const auto objcopy = test::run_command({"objcopy", "--remove-section=.debug_aranges", copy.path.string()});
  REQUIRE(objcopy.exit_code == 0);
  const auto sections = test::run_command({"readelf", "-S", "-W", copy.path.string()});
  REQUIRE(sections.exit_code == 0);
  REQUIRE(sections.out.find(".debug_aranges") == std::string::npos);
  REQUIRE(sections.out.find(".debug_info") != std::string::npos);

  constexpr std::uint64_t base = 0x5500'0000'0000;
  attach::Snapshot offline;
  offline.pid = 999999;  // no such process: files are opened by path
  offline.shares_gmr_root = true;
  attach::Mapping mapping;
  mapping.start = base;
  mapping.end = base + 0x10'0000;
  mapping.perms = "r-xp";
  mapping.device = "00:00";
  struct stat st{};
  REQUIRE(::stat(copy.path.c_str(), &st) == 0);
  mapping.inode = st.st_ino;
  mapping.path = copy.path.string();
  offline.maps.insert(mapping);

  const attach::LiveFiles files(attach::layout_of(offline));
  auto session = symbolize::SnapshotDwfl::open(offline, files);
  REQUIRE(session.has_value());
  symbolize::FrameResolver resolver((*session)->dwfl(), nullptr);
  // Frames #k and #k+1 (inlined, then its caller) share one pc; the frame above is a return address.
  const report::Frame& innermost = *expected[0];
  const auto& named = resolver.resolve({base + *innermost.module_offset, false});
  REQUIRE(named.size() == 1);
  CHECK(named[0].function == innermost.function);
  CHECK(named[0].line == innermost.line);
  CHECK(named[0].column == innermost.column);

  const auto& chain = resolver.resolve({base + *expected[1]->module_offset, false});
  REQUIRE(chain.size() == 2);
  CHECK(chain[0].inlined);
  CHECK(chain[0].function == expected[1]->function);
  CHECK(chain[0].line == expected[1]->line);
  CHECK(chain[1].function == expected[2]->function);
  CHECK(chain[1].line == expected[2]->line);
  CHECK(chain[1].function_offset == expected[2]->function_offset);

  CHECK(resolver.modules_without_aranges() == std::set<std::string>{copy.path.string()});
}

}  // TEST_SUITE
