#include <doctest/doctest.h>

#include <string>

#include "report/render/layout.hpp"

namespace layout = gmr::report::layout;

TEST_SUITE("report::text") {
  TEST_CASE("a section banner is three 72-column lines with the title centred in 64") {
    const std::string rule(72, '=');
    SUBCASE("even padding") {  // 22 characters: 21 blanks on each side
      CHECK(layout::section_banner("Guru Meditation Report") ==
            rule + "\n====" + std::string(21, ' ') + "Guru Meditation Report" + std::string(21, ' ') + "====\n" +
                rule + "\n");
    }
    SUBCASE("odd padding puts the extra blank on the right, as Python's {: ^64}") {
      CHECK(layout::section_banner("Package") ==
            rule + "\n====" + std::string(28, ' ') + "Package" + std::string(29, ' ') + "====\n" + rule + "\n");
    }
  }

  TEST_CASE("centring") {
    CHECK(layout::center("ab", 7) == "  ab   ");
    CHECK(layout::center("abc", 7) == "  abc  ");
    CHECK(layout::center("", 3) == "   ");
    CHECK(layout::center("exactly", 7) == "exactly");
    CHECK(layout::center("too long for it", 7) == "too long for it");  // never truncated
    CHECK(layout::center("é", 3) == " é ");                               // counted in code points
  }

  TEST_CASE("a thread header is 72 columns: six dashes, the title centred in 60, six dashes") {
    const auto header = layout::thread_header("Thread 4242 \"redis-server\"");
    CHECK(header.size() == 73);
    CHECK(header.ends_with("------\n"));
    CHECK(header == "------" + std::string(16, ' ') + " Thread 4242 \"redis-server\" " + std::string(16, ' ') +
                        "------\n");
    CHECK(layout::thread_header("Thread 1 \"x\"").size() == 73);  // odd title length
  }

  TEST_CASE("a field pads its key to 12 columns") {
    CHECK(layout::field("pid", "42") == "pid          = 42\n");
    CHECK(layout::field("command line", "x") == "command line = x\n");
    CHECK(layout::field("notes", "") == "notes        =\n");
  }
}
