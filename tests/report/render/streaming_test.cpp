// The renderers stream: a report of many threads reaches the output thread by thread, and what the
// renderer holds while it writes is about one thread's worth, not the document (issue 13: memory bounded
// by the snapshot, not by the output). The streamed JSON is byte for byte the document write_json writes.
#include <doctest/doctest.h>

#include <malloc.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>

#include "report/build/grouping.hpp"
#include "report/render/json_renderer.hpp"
#include "report/render/render.hpp"
#include "report/sample_reports.hpp"

#if defined(__SANITIZE_ADDRESS__)
// libasan's (g++ 12 ships no <sanitizer/allocator_interface.h> to declare it).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace {

using gmr::report::OutputFormat;
using gmr::report::RenderOptions;
using gmr::report::Report;
using gmr::report::SectionSet;

// Bytes the heap holds now: ASan's allocator keeps its own count (glibc's mallinfo2 does not see it).
std::size_t heap_in_use() {
#if defined(__SANITIZE_ADDRESS__)
  return __sanitizer_get_current_allocated_bytes();
#else
  return mallinfo2().uordblks;
#endif
}

// An unbuffered sink that keeps only counts: every write reaches xsputn/overflow, where the heap in use
// is sampled. The largest write and the heap's peak over the writes show what the renderer held.
class CountingSink : public std::streambuf {
 public:
  std::size_t bytes = 0;
  std::size_t writes = 0;
  std::size_t largest_write = 0;
  std::size_t peak_heap = 0;

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    record(static_cast<std::size_t>(n));
    return n;
  }
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) record(1);
    return traits_type::not_eof(c);
  }

 private:
  void record(std::size_t n) {
    bytes += n;
    ++writes;
    largest_write = std::max(largest_write, n);
    peak_heap = std::max(peak_heap, heap_in_use());
  }
};

// `count` threads, each the rich sample's main thread (six frames, files and source lines) with its own tid
// and its own function names, so that no two stacks are alike.
Report many_threads(std::size_t count) {
  Report report = gmr::test::samples::rich_report();
  const gmr::report::Thread model = gmr::test::samples::main_thread();
  report.threads.clear();
  report.threads.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    gmr::report::Thread thread = model;
    thread.tid = static_cast<pid_t>(100000 + i);
    for (auto& frame : thread.frames)
      if (frame.function) frame.function = *frame.function + "_" + std::to_string(i);
    report.threads.push_back(std::move(thread));
  }
  report.capture.threads_found = report.capture.threads_frozen = count;
  return report;
}

struct Streamed {
  CountingSink sink;
  std::size_t heap_before = 0;
};

void stream(const Report& report, OutputFormat format, const RenderOptions& options, Streamed& out) {
  std::ostream stream(&out.sink);
  out.heap_before = heap_in_use();
  gmr::report::render(report, format, options, stream);
  REQUIRE(stream.good());
}

std::string rendered(const Report& report, OutputFormat format, const RenderOptions& options) {
  std::ostringstream out;
  gmr::report::render(report, format, options, out);
  return out.str();
}

}  // namespace

TEST_SUITE("report/render/streaming") {
  TEST_CASE("text and JSON reach the output thread by thread and never hold the document") {
    constexpr std::size_t threads = 400;
    const Report report = many_threads(threads);
    for (const auto format : {OutputFormat::text, OutputFormat::json}) {
      for (const bool pretty : {false, true}) {
        if (format == OutputFormat::text && pretty) continue;
        CAPTURE(static_cast<int>(format));
        CAPTURE(pretty);
        const RenderOptions options{SectionSet::all(), 0, pretty};
        Streamed streamed;
        stream(report, format, options, streamed);
        const std::size_t total = streamed.sink.bytes;
        CHECK(total == rendered(report, format, options).size());
        const std::size_t per_thread = total / threads;
        // Nothing written at once is much more than one thread's part…
        CHECK(streamed.sink.largest_write < 4 * per_thread);
        CHECK(streamed.sink.writes > threads);
        // …and while writing, the renderer never holds more than a few threads' worth: a renderer that
        // built the document (or its text) first would hold at least `total` bytes at its last write.
        const std::size_t held = streamed.sink.peak_heap > streamed.heap_before ? streamed.sink.peak_heap - streamed.heap_before : 0;
        CAPTURE(held);
        CAPTURE(total);
        CHECK(held < total / 10);
      }
    }
  }

  TEST_CASE("the streamed JSON is byte for byte the document write_json writes") {
    Report grouped = gmr::test::samples::rich_report();
    grouped.groups = gmr::report::group_threads(grouped.threads);
    Report no_threads = gmr::test::samples::minimal_report();
    no_threads.threads.clear();
    const Report reports[] = {gmr::test::samples::rich_report(), gmr::test::samples::minimal_report(),
                              gmr::test::samples::locks_report(), gmr::test::samples::python_report(),
                              grouped, no_threads, many_threads(3)};
    const SectionSet selections[] = {SectionSet::all(), *SectionSet::parse({"processes"}),
                                     *SectionSet::parse({"threads", "configuration"})};
    for (const Report& report : reports) {
      for (const SectionSet& sections : selections) {
        for (const bool pretty : {false, true}) {
          CAPTURE(pretty);
          std::ostringstream whole;
          gmr::report::write_json(gmr::report::report_json(report, sections, 3), whole, pretty);
          std::ostringstream streamed;
          gmr::report::write_report_json(report, sections, 3, streamed, pretty);
          CHECK(streamed.str() == whole.str());
        }
      }
    }
  }
}
