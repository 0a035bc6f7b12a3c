#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "report/golden.hpp"
#include "report/sample_reports.hpp"
#include "report/render/text_renderer.hpp"

namespace {

std::string render(const gmr::report::Report& report) {
  std::ostringstream out;
  gmr::report::render_text(report, out);
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_SUITE("report::text") {
  TEST_CASE("a rich report renders exactly as its golden file") {
    gmr::test::check_golden("report_rich.txt", render(gmr::test::samples::rich_report()));
  }

  TEST_CASE("a report with every optional absent says unknown and matches its golden file") {
    gmr::test::check_golden("report_minimal.txt", render(gmr::test::samples::minimal_report()));
  }

  TEST_CASE("lock lines under each thread and the Deadlocks section match their golden file") {
    gmr::test::check_golden("report_locks.txt", render(gmr::test::samples::locks_report()));
  }

  TEST_CASE("no Deadlocks section without a cycle") {
    auto report = gmr::test::samples::locks_report();
    report.deadlocks.clear();
    CHECK(render(report).find("Deadlocks") == std::string::npos);
    CHECK(render(gmr::test::samples::rich_report()).find("Deadlocks") == std::string::npos);
  }

  TEST_CASE("rendering is a pure function of the report") {
    CHECK(render(gmr::test::samples::rich_report()) == render(gmr::test::samples::rich_report()));
  }

  TEST_CASE("sections come in order: header, Package, Threads, Processes") {
    const auto text = render(gmr::test::samples::minimal_report());
    const auto header = text.find("Guru Meditation Report");
    const auto package = text.find("Package");
    const auto threads = text.find("Threads");
    const auto processes = text.find("Processes");
    CHECK(header < package);
    CHECK(package < threads);
    CHECK(threads < processes);
    CHECK(processes != std::string::npos);
  }

  TEST_CASE("banner and thread header lines are exactly 72 columns wide") {
    for (const auto& line : lines_of(render(gmr::test::samples::rich_report()))) {
      if (line.starts_with("====") || line.starts_with("------")) CHECK(line.size() == 72);
    }
  }

  TEST_CASE("no line ends in blanks and nothing from the target reaches the terminal raw") {
    for (const auto& line : lines_of(render(gmr::test::samples::rich_report()))) {
      CHECK_FALSE(line.ends_with(' '));
      CHECK(line.find('\x1b') == std::string::npos);
    }
  }

  TEST_CASE("frame indices are padded to the widest index of their thread") {
    auto report = gmr::test::samples::minimal_report();
    auto& frames = report.threads[0].frames;
    frames.clear();
    for (int i = 0; i <= 10; ++i) frames.push_back(gmr::test::samples::frame(i, 0x401000 + i));
    const auto text = render(report);
    CHECK(text.find("\n#0  0x0000000000401000 ?? (no module)\n") != std::string::npos);
    CHECK(text.find("\n#10 0x000000000040100a ?? (no module)\n") != std::string::npos);
  }

  TEST_CASE("a not-consistent capture names its reason") {
    auto report = gmr::test::samples::minimal_report();
    report.capture.threads_found = 2;
    report.capture.threads_frozen = 1;
    SUBCASE("from the threads not frozen") {
      report.threads[0].frozen = false;
      CHECK(render(report).find("consistent   = no: thread 1234 not frozen\n") != std::string::npos);
    }
    SUBCASE("from the counts when no thread is marked") {
      report.threads[0].frozen = true;
      CHECK(render(report).find("consistent   = no: only 1 of 2 threads frozen\n") != std::string::npos);
    }
    SUBCASE("else pointing at the notes") {
      report.threads[0].frozen = true;
      report.capture.threads_frozen = 2;
      CHECK(render(report).find("consistent   = no: see notes\n") != std::string::npos);
    }
  }
}
