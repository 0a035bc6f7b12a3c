// gmr's CPython layout tables against the real headers of every interpreter installed here: each field
// of layout_3_11/12/13() equals offsetof() of that field compiled with -DPy_BUILD_CORE against
// Include/internal of each install (layout_probe.c), and no field goes unchecked. For 3.13 also the
// position of every _Py_DebugOffsets field the parser reads, and the layout built from the values
// CPython's initializer puts there.
#include <doctest/doctest.h>

#include <cstring>
#include <map>
#include <set>
#include <string>

#include "symbolize/python/debug_offsets.hpp"
#include "symbolize/python/layout.hpp"
#include "symbolize/python/python_installs.hpp"
#include "symbolize/python/static_layouts.hpp"

namespace py = gmr::symbolize::python;
namespace pt = gmr::test::python;

namespace {

py::PythonLayout table_for(int minor) {
  return minor == 11 ? py::layout_3_11() : minor == 12 ? py::layout_3_12() : py::layout_3_13();
}

// Lines of the probe that are facts the decoders rely on, not fields of PythonLayout.
const std::map<std::string, long long> constants = {
    {"frame_owned_by_cstack", py::frame_owned_by_cstack},
    {"long_digit_bits", 30},
    {"managed_dict_values_tag", -1},  // 3.12: a values pointer is stored minus one
    {"debug_offsets_at", 0},          // 3.13: first in _PyRuntimeState
    {"debug_offsets_size", static_cast<long long>(py::debug_offsets_size_3_13)},
};

// Fields of structs no header declares (Modules/_threadmodule.c's lock objects): lock_layout_test.cpp
// checks them on the live interpreters instead.
bool outside_headers(std::string_view name) { return name.starts_with("lock.") || name.starts_with("rlock."); }

}  // namespace

TEST_SUITE("symbolize::python::layout") {
  TEST_CASE("every offset of the 3.11, 3.12 and 3.13 tables equals offsetof() in each installed interpreter's headers") {
    std::set<int> minors_checked;
    for (const auto& install : pt::python_installs()) {
      if (install.include.empty()) {
        MESSAGE("SKIPPED " << install.label << ": its internal headers are not installed (for Debian: python3.11-dev)");
        continue;
      }
      CAPTURE(install.label);
      CAPTURE(install.include);
      const auto probe = pt::run_layout_probe(install.include);
      const auto table = table_for(install.minor);
      std::set<std::string> named;
      int compared = 0;
      py::for_each_offset(table, [&](std::string_view name, std::optional<std::int64_t> value) {
        const std::string key(name);
        if (outside_headers(name)) return;
        named.insert(key);
        INFO("field " << key);
        const auto it = probe.values.find(key);
        if (!value) {
          CHECK_MESSAGE(it == probe.values.end(), "the table leaves out a field the headers have");
          return;
        }
        REQUIRE_MESSAGE(it != probe.values.end(), "the probe does not print this field");
        CHECK(*value == it->second);
        ++compared;
      });
      for (const auto& [name, value] : probe.values) {
        INFO("probe line " << name);
        if (named.count(name)) continue;
        const auto constant = constants.find(name);
        REQUIRE_MESSAGE(constant != constants.end(), "the probe prints a field the table does not have");
        CHECK(value == constant->second);
      }
      MESSAGE(install.label << ": " << compared << " offsets of the " << "3." << install.minor
                            << " table equal the headers' offsetof()");
      minors_checked.insert(install.minor);
    }
    for (int minor : {11, 12, 13})
      if (!minors_checked.count(minor))
        MESSAGE("SKIPPED: no headers of Python 3." << minor << " here; its table is unchecked on this machine");
    if (minors_checked.empty())
      MESSAGE("SKIPPED ALL: no CPython internal headers here (python3.11-dev, pyenv builds); the tables are unchecked");
  }

  TEST_CASE("the 3.13 debug-offsets parser reads each field where _Py_DebugOffsets has it, and the initializer's values give the 3.13 table") {
    int installs = 0;
    for (const auto& install : pt::installs_with_headers()) {
      if (install.minor != 13) continue;
      ++installs;
      CAPTURE(install.label);
      const auto probe = pt::run_layout_probe(install.include);
      std::vector<std::byte> bytes(py::debug_offsets_size_3_13);
      std::memcpy(bytes.data(), py::debug_offsets_cookie.data(), 8);
      int fields = 0;
      py::for_each_debug_offset(py::DebugOffsets313{}, [&](std::string_view name, std::size_t position, std::uint64_t) {
        INFO("debug offsets field " << name);
        const auto it = probe.debug.find(std::string(name));
        REQUIRE(it != probe.debug.end());
        CHECK(position == it->second.first);
        const auto value = static_cast<std::uint64_t>(it->second.second);
        std::memcpy(bytes.data() + position, &value, 8);
        ++fields;
      });
      CHECK(static_cast<std::size_t>(fields) == probe.debug.size());
      const auto parsed = py::parse_debug_offsets(bytes);
      REQUIRE(parsed.has_value());
      const auto version = static_cast<std::uint32_t>(parsed->version);
      const auto layout = py::layout_from_debug_offsets(*parsed, version);
      REQUIRE_MESSAGE(layout.has_value(), (layout ? "" : layout.error().message));
      // Equal, field for field, to the static 3.13 table (itself checked against the headers above).
      std::map<std::string, std::optional<std::int64_t>> from_debug;
      py::for_each_offset(*layout, [&](std::string_view n, auto v) { from_debug[std::string(n)] = v; });
      py::for_each_offset(py::layout_3_13(), [&](std::string_view n, auto v) {
        INFO("field " << n);
        CHECK(from_debug[std::string(n)] == v);
      });
      CHECK(layout->version == version);
      MESSAGE(install.label << ": " << fields << " _Py_DebugOffsets fields at the headers' positions; "
                            << py::layout_fields_from_debug_offsets().size()
                            << " layout fields taken from them equal the table");
    }
    if (installs == 0) MESSAGE("SKIPPED: no Python 3.13 headers here (pyenv 3.13.x); the debug-offsets positions are unchecked");
  }
}
