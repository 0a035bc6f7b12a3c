// report::DumpSession on real fixtures: one libdwfl session per dumped pid (planned before the freeze,
// naming frames after it), with the same frames a fresh session over the snapshot gives.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

#include "attach/capture.hpp"
#include "report/build/dump_session.hpp"
#include "report/build/report_builder.hpp"
#include "report/render/render.hpp"
#include "report/render/wording.hpp"
#include "support/process.hpp"
#include "support/report_view.hpp"
#include "symbolize/snapshot_dwfl.hpp"

using namespace gmr;

namespace {

std::string frames_of(const report::Report& report) {
  std::ostringstream out;
  for (const auto& thread : report.threads) {
    out << "thread " << thread.tid << "\n";
    for (const auto& f : thread.frames)
      out << f.index << " " << std::hex << f.pc << std::dec << " " << f.inlined << " " << f.function.value_or("-")
          << " " << f.module.value_or("-") << " " << f.module_offset.value_or(0) << " " << f.build_id.value_or("-")
          << " " << f.file.value_or("-") << ":" << f.line.value_or(0) << "\n";
    for (const auto& error : thread.errors) out << "error " << report::thread_error_text(error) << "\n";
  }
  return out.str();
}

/// The report in every format, as the dump command writes it.
std::string rendered(const report::Report& report) {
  std::ostringstream out;
  for (auto format : {report::OutputFormat::text, report::OutputFormat::json, report::OutputFormat::folded})
    report::render(report, format, {}, out);
  return out.str();
}

}  // namespace

TEST_SUITE("report::dump_session") {
  TEST_CASE("freeing each thread's stack copy once it is unwound gives the same report, a PI deadlock included") {
    // The PI scenario: glibc's endless wait after EDEADLK is told from a futex word on the waiter's stack
    // copy, which the lock analysis must look at before that copy goes.
    test::Fixture fixture("fixture_locks", {.args = {"pi"}});
    report::DumpSession keeping(fixture.pid());
    attach::Snapshot snapshot = test::capture_or_throw(fixture.pid());
    const std::size_t stacks = static_cast<std::size_t>(
        std::ranges::count_if(snapshot.threads, [](const auto& t) { return t.stack.has_value(); }));
    REQUIRE(stacks >= 3);
    const report::Report kept = keeping.build(snapshot, {});

    report::DumpSession releasing(fixture.pid());
    attach::Snapshot consumed = snapshot;
    const report::Report released = releasing.build_releasing_stacks(consumed, {});
    for (const auto& thread : consumed.threads) {
      CHECK_FALSE(thread.stack.has_value());
      CHECK_FALSE(thread.interrupted_stack.has_value());
    }
    CHECK(std::ranges::any_of(released.threads, [](const auto& t) { return t.wait && t.wait->kernel_deadlock; }));
    CHECK(rendered(released) == rendered(kept));
    CHECK(frames_of(released) == frames_of(kept));
  }

  TEST_CASE("one dwfl_begin per dumped pid: the known-symbol plan and the frames share the session") {
    test::Fixture fixture("fixture_config");
    const std::size_t before = symbolize::dwfl_sessions_begun();

    report::DumpSession session(fixture.pid());
    attach::CaptureOptions options;
    options.symbols = session.plan_known_symbols("gmr_config");
    REQUIRE(options.symbols.size() >= 1);
    auto snapshot = attach::capture(fixture.pid(), options);
    REQUIRE(snapshot);
    const report::Report report = session.build(*snapshot, {.max_frames = 256, .source_lines = false});

    CHECK(symbolize::dwfl_sessions_begun() - before == 1);
    REQUIRE(report.configuration.size() == 1);
    CHECK_FALSE(report.configuration[0].error);
    REQUIRE(!report.threads.empty());
    CHECK(!report.threads[0].frames.empty());
    CHECK(report.threads[0].errors.empty());
  }

  TEST_CASE("frames named by the session kept across the freeze are those of a fresh session") {
    test::Fixture fixture("fixture_threads_cpp");
    report::DumpSession session(fixture.pid());
    attach::CaptureOptions options;
    options.symbols = session.plan_known_symbols("gmr_config");  // scans every module before the freeze
    auto snapshot = attach::capture(fixture.pid(), options);
    REQUIRE(snapshot);
    const report::BuildOptions build{.max_frames = 256, .source_lines = false};
    const std::string kept = frames_of(session.build(*snapshot, build));
    const std::string fresh = frames_of(report::build_report(*snapshot, build));
    CHECK(kept == fresh);
    CHECK(kept.find(" main ") != std::string::npos);
  }
}
