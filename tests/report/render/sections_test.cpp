#include <doctest/doctest.h>

#include <sstream>

#include "report/render/output_format.hpp"
#include "report/sample_reports.hpp"
#include "report/render/sections.hpp"
#include "report/render/text_renderer.hpp"

using gmr::report::Section;
using gmr::report::SectionSet;

TEST_SUITE("report::sections") {
  TEST_CASE("--sections lists: commas, repetition and several lists combine") {
    const auto set = SectionSet::parse({"threads,package", "threads"});
    REQUIRE(set.has_value());
    CHECK(set->wanted(Section::threads));
    CHECK(set->wanted(Section::package));
    CHECK_FALSE(set->wanted(Section::processes));
  }

  TEST_CASE("an unknown or empty section name is refused, naming the known ones") {
    const auto unknown = SectionSet::parse({"threads,locks"});
    REQUIRE_FALSE(unknown.has_value());
    CHECK(unknown.error() ==
          "unknown section 'locks' (known: package, threads, green_threads, deadlocks, processes, configuration, custom)");
    CHECK_FALSE(SectionSet::parse({"threads,"}).has_value());
    CHECK_FALSE(SectionSet::parse({""}).has_value());
  }

  TEST_CASE("the text report keeps its header and prints only the sections asked for") {
    std::ostringstream out;
    gmr::report::render_text(gmr::test::samples::rich_report(), *SectionSet::parse({"processes"}), out);
    const auto text = out.str();
    CHECK(text.starts_with(std::string(72, '=') + "\n====                     Guru Meditation Report"));
    CHECK(text.find("Process 4242 (under 1)") != std::string::npos);
    CHECK(text.find("Package") == std::string::npos);
    CHECK(text.find("Threads") == std::string::npos);
  }

  TEST_CASE("output formats: names and report file extensions") {
    CHECK(gmr::report::parse_output_format("json") == gmr::report::OutputFormat::json);
    CHECK(gmr::report::parse_output_format("text") == gmr::report::OutputFormat::text);
    CHECK_FALSE(gmr::report::parse_output_format("xml").has_value());
    CHECK(gmr::report::info(gmr::report::OutputFormat::json).extension == ".json");
    CHECK(gmr::report::info(gmr::report::OutputFormat::text).extension == "");
  }
}

TEST_CASE("report::text - a report narrowed by --threads says which threads it shows") {
  auto report = gmr::test::samples::rich_report();
  report.capture.thread_filter = std::vector<pid_t>{4243, 4244, 9999};
  report.threads = {gmr::test::samples::worker_thread(), gmr::test::samples::stuck_thread()};
  std::ostringstream out;
  gmr::report::render_text(report, out);
  CHECK(out.str().find("\nshown        = 4243, 4244 (--threads)\n") != std::string::npos);
}
