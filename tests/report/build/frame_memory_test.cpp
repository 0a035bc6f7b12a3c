// What a report's frames cost: at 10,000 threads a report holds ~300,000 frames (issue 13), so each is
// kept small and their texts are held once per distinct value, not once per frame.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "support/process.hpp"
#include "support/report_view.hpp"
#include "report/build/report_builder.hpp"

namespace {

using namespace gmr;

// A frame's own bytes: pc, two optional offsets, five shared texts (a pointer each), line, column, flags and
// the boxed Python facts. 424 bytes when every text was a std::optional<std::string> and the Python facts
// were inline; at 300,000 frames each 8 bytes more is 2.4 MB.
constexpr std::size_t frame_bytes_bound = 112;

}  // namespace

TEST_SUITE("report::frame_memory") {

TEST_CASE("a frame takes at most 112 bytes of its own, a Python frame's facts one pointer when absent") {
  CHECK(sizeof(report::Frame) <= frame_bytes_bound);
  CHECK(sizeof(report::Boxed<report::PythonFrameFacts>) == sizeof(void*));
  CHECK(sizeof(symbolize::SharedText) == sizeof(void*));
}

TEST_CASE("every module path, build id, function, file and source line of a report is held once") {
  test::Fixture fixture("fixture_threads_c");
  const attach::Snapshot snapshot = test::capture_or_throw(fixture.pid());
  const report::Report report = report::build_report(snapshot, {});

  // For each field, the first frame holding each distinct text; every later frame with an equal text must
  // hold the very same bytes.
  std::map<std::string, std::map<std::string, symbolize::SharedText>> first;
  std::map<std::string, std::size_t> repeats;
  auto check = [&](const char* field, const symbolize::SharedText& text) {
    if (!text) return;
    auto [it, added] = first[field].try_emplace(*text, text);
    if (added) return;
    ++repeats[field];
    CHECK_MESSAGE(text.shares_with(it->second), field << " \"" << *text << "\" is held twice");
  };
  std::size_t frames = 0;
  for (const auto& thread : report.threads)
    for (const auto& frame : thread.frames) {
      ++frames;
      check("module", frame.module);
      check("build_id", frame.build_id);
      check("function", frame.function);
      check("file", frame.file);
      check("source", frame.source);
    }
  MESSAGE(frames << " frames in " << report.threads.size() << " threads");
  // The fixture's threads share libc and their start functions: each field repeats, or the test tests nothing.
  for (const char* field : {"module", "build_id", "function"})
    CHECK_MESSAGE(repeats[field] > 10, field << " repeats only " << repeats[field] << " times");
}

}  // TEST_SUITE
