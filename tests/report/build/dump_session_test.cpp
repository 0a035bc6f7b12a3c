// report::DumpSession on real fixtures: one libdwfl session per dumped pid (planned before the freeze,
// naming frames after it), with the same frames a fresh session over the snapshot gives.
#include <doctest/doctest.h>

#include <sstream>

#include "attach/capture.hpp"
#include "report/build/dump_session.hpp"
#include "report/build/report_builder.hpp"
#include "report/render/wording.hpp"
#include "support/process.hpp"
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

}  // namespace

TEST_SUITE("report::dump_session") {
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
