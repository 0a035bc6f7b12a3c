// The 3.11+ location-table decoder against each installed interpreter's own co_lines() and
// co_positions() over thousands of the standard library's code objects, and on hand-made tables of
// every entry form, cut short or malformed.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "symbolize/python/location_table.hpp"
#include "symbolize/python/python_installs.hpp"

namespace py = gmr::symbolize::python;
namespace pt = gmr::test::python;
using namespace std::chrono_literals;

namespace {

std::vector<std::byte> from_hex(const std::string& hex) {
  std::vector<std::byte> bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) bytes.push_back(static_cast<std::byte>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return bytes;
}

std::vector<std::byte> bytes(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

std::optional<int> none_if_negative(long long v) { return v < 0 ? std::nullopt : std::optional<int>(static_cast<int>(v)); }

// Entry first byte: 1, code (4 bits), length - 1 (3 bits).
int first(int code, int units) { return 0x80 | (code << 3) | (units - 1); }

constexpr int code_objects_per_interpreter = 3000;

}  // namespace

TEST_SUITE("symbolize::python::location_table") {
  TEST_CASE("the line of every instruction, and every position, agree with the interpreter's co_lines() and co_positions()") {
    const auto installs = pt::installs_with_binary();
    bool required_found = false;
    for (const auto& install : pt::python_installs())
      if (install.binary.empty()) MESSAGE("SKIPPED " << install.label << ": no interpreter binary");
    for (const auto& install : installs) {
      CAPTURE(install.label);
      required_found |= install.binary == pt::required_binary;
      auto run = gmr::test::run_command(
          {install.binary, "-I", pt::test_file("dump_linetables.py"), std::to_string(code_objects_per_interpreter)}, 120s);
      REQUIRE_MESSAGE(run.exit_code == 0, run.err);
      std::istringstream lines(run.out);
      long long codes = 0, line_offsets = 0, positions = 0, with_line = 0, without_line = 0;
      std::vector<std::byte> table;
      int firstlineno = 0;
      long long units = 0;
      for (std::string line; std::getline(lines, line);) {
        std::istringstream f(line);
        std::string kind;
        f >> kind;
        if (kind == "C") {
          std::string hex;
          f >> firstlineno >> hex >> units;
          table = from_hex(hex);
          ++codes;
          const auto before = py::line_for_offset(table, firstlineno, -1);
          if (!before || *before != std::optional<int>(firstlineno))
            FAIL("code object " << codes << ": a frame before its first instruction is not at its first line");
        } else if (kind == "L") {
          long long start = 0, end = 0, expected = 0;
          f >> start >> end >> expected;
          for (long long offset = start; offset < end; offset += 2) {
            const auto got = py::line_for_offset(table, firstlineno, static_cast<int>(offset / 2));
            if (!got) FAIL("code object " << codes << ": " << got.error().message);
            if (*got != none_if_negative(expected)) {
              INFO("code object " << codes << " firstlineno " << firstlineno << " offset " << offset);
              CHECK(*got == none_if_negative(expected));
            }
            ++line_offsets;
            (*got ? with_line : without_line)++;
          }
        } else if (kind == "P") {
          const auto entries = py::decode_location_table(table, firstlineno);
          if (!entries) FAIL("code object " << codes << ": " << entries.error().message);
          std::vector<py::SourcePosition> expanded;
          for (const auto& e : *entries)
            for (int unit = e.start; unit < e.end; ++unit) expanded.push_back(e.position);
          std::vector<py::SourcePosition> expected;
          long long a, b, c, d;
          while (f >> a >> b >> c >> d)
            expected.push_back({none_if_negative(a), none_if_negative(b), none_if_negative(c), none_if_negative(d)});
          INFO("code object " << codes << " firstlineno " << firstlineno);
          if (static_cast<long long>(expected.size()) != units || expanded.size() != expected.size())
            FAIL("code object " << codes << ": " << units << " code units, " << expected.size()
                                << " positions from the interpreter, " << expanded.size() << " decoded");
          for (std::size_t i = 0; i < expected.size(); ++i)
            if (!(expanded[i] == expected[i])) {
              INFO("code unit " << i);
              CHECK(expanded[i] == expected[i]);
            }
          positions += static_cast<long long>(expected.size());
        }
      }
      CHECK(codes >= code_objects_per_interpreter);
      MESSAGE(install.label << ": line decoder agreed with co_lines() on " << line_offsets << " instruction offsets ("
                            << with_line << " with a line, " << without_line << " without) of " << codes
                            << " code objects; positions agreed with co_positions() on " << positions << " code units");
    }
    CHECK_MESSAGE(required_found, pt::required_binary << " (Debian's python3.11) is missing");
  }

  TEST_CASE("each entry form decodes as Objects/locations.md describes") {
    // firstlineno 10:
    //   short form 3, 2 units: same line (10), columns 3*8+2 = 26 .. 26+5
    //   one-line form 1 (code 11), 1 unit: line 11, columns 4 .. 9
    //   no-columns (13), 3 units: line delta -3 (zigzag 7) -> 8
    //   long (14), 1 unit: line delta +2 -> 10, end line +1 = 11, column 5-1 = 4, end column 7-1 = 6
    //   none (15), 2 units
    //   one-line form 0 (code 10), 1 unit: line stays 10 (a no-location entry does not move it)
    const auto table = bytes({first(3, 2), 0x25, first(11, 1), 4, 9, first(13, 3), 7, first(14, 1), 4, 1, 5, 7,
                              first(15, 2), first(10, 1), 0, 1});
    const auto entries = py::decode_location_table(table, 10);
    REQUIRE(entries.has_value());
    REQUIRE(entries->size() == 6);
    using P = py::SourcePosition;
    CHECK((*entries)[0].position == P{10, 10, 26, 31});
    CHECK((*entries)[0].start == 0);
    CHECK((*entries)[0].end == 2);
    CHECK((*entries)[1].position == P{11, 11, 4, 9});
    CHECK((*entries)[2].position == P{8, 8, std::nullopt, std::nullopt});
    CHECK((*entries)[3].position == P{10, 11, 4, 6});
    CHECK((*entries)[4].position == P{});
    CHECK((*entries)[5].position == P{10, 10, 0, 1});
    CHECK((*entries)[5].end == 10);
    CHECK(*py::line_for_offset(table, 10, 0) == 10);
    CHECK(*py::line_for_offset(table, 10, 2) == 11);
    CHECK(*py::line_for_offset(table, 10, 5) == 8);
    CHECK(*py::line_for_offset(table, 10, 7) == std::nullopt);  // the no-location entry
    CHECK(*py::line_for_offset(table, 10, 9) == 10);
    CHECK(*py::line_for_offset(table, 10, 10) == std::nullopt);  // past the table
    CHECK(*py::line_for_offset(table, 10, -1) == 10);            // a frame that has not started
  }

  TEST_CASE("a multi-byte varint and a negative delta decode, and a long delta stays exact") {
    // no-columns entry, delta +1000: zigzag 2000 = 0b11111010000 -> chunks 010000 (with continuation
    // 0x40) then 011111.
    const auto up = bytes({first(13, 1), 0x40 | (2000 & 63), 2000 >> 6});
    CHECK(*py::line_for_offset(up, 1, 0) == 1001);
    const auto down = bytes({first(13, 1), 0x40 | (2001 & 63), 2001 >> 6});  // zigzag odd: -1000
    CHECK(*py::line_for_offset(down, 5000, 0) == 4000);
  }

  TEST_CASE("tables cut short or malformed are corrupt, never read past their end") {
    const std::vector<std::vector<std::byte>> bad = {
        bytes({first(3, 1)}),                      // short form without its second byte
        bytes({first(11, 1), 4}),                  // one-line form without the end column
        bytes({first(13, 1), 0x41}),               // varint continues past the end
        bytes({first(14, 1), 2, 1, 1}),            // long form without the end column
        bytes({0x05}),                             // not an entry start
        bytes({first(13, 1), 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 1}),  // varint longer than 7 bytes
        bytes({first(3, 1), 0x85}),                // a short form's second byte with bit 7
        bytes({first(13, 1), 0x40 | 62, 0x7f, 0x7f, 0x7f, 0x7f, 0x3f}),  // a line far beyond an int
    };
    for (std::size_t i = 0; i < bad.size(); ++i) {
      CAPTURE(i);
      const auto entries = py::decode_location_table(bad[i], 1);
      REQUIRE_FALSE(entries.has_value());
      CHECK(entries.error().failure == py::DecodeFailure::corrupt);
      const auto line = py::line_for_offset(bad[i], 1, 0);
      REQUIRE_FALSE(line.has_value());
      CHECK(line.error().failure == py::DecodeFailure::corrupt);
    }
    CHECK(py::decode_location_table({}, 1)->empty());
    CHECK(*py::line_for_offset({}, 1, 0) == std::nullopt);
  }
}
