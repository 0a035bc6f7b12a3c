// Choosing a layout: which versions and builds are read, and the one-line reason for every other; the
// 3.13 debug offsets validated field by field; the debug-build markers checked on real binaries.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "support/process.hpp"
#include "symbolize/python/debug_offsets.hpp"
#include "symbolize/python/fake_memory.hpp"
#include "symbolize/python/layout_select.hpp"
#include "symbolize/python/python_installs.hpp"
#include "symbolize/python/static_layouts.hpp"

namespace py = gmr::symbolize::python;
namespace pt = gmr::test::python;
using namespace std::chrono_literals;

namespace {

constexpr std::uint32_t v3_13_0 = 0x030d00f0;

// The _Py_DebugOffsets of a 3.13.0 release build, from the 3.13 table and the struct sizes of 3.13.0.
py::DebugOffsets313 offsets_3_13() {
  const auto t = py::layout_3_13();
  py::DebugOffsets313 o;
  o.version = v3_13_0;
  o.runtime_state = {283320, 624, t.runtime.interpreters_head};
  o.interpreter_state = {194968, t.interpreter.id, t.interpreter.next, t.interpreter.threads_head, t.interpreter.gc,
                         t.interpreter.modules, t.interpreter.sysdict, t.interpreter.builtins, *t.interpreter.ceval_gil,
                         7752, 0, 7752 + t.gil.locked, 7752 + t.gil.last_holder};
  o.thread_state = {304, t.thread.prev, t.thread.next, t.thread.interp, *t.thread.current_frame, t.thread.thread_id,
                    t.thread.native_thread_id, t.thread.datastack_chunk, 24};
  o.interpreter_frame = {t.frame.size, t.frame.previous, t.frame.code, t.frame.instr, t.frame.localsplus, t.frame.owner};
  o.code_object = {208, t.code.filename, t.code.name, t.code.qualname, t.code.linetable, t.code.firstlineno, 40,
                   96, 104, t.code.code_adaptive};
  o.pyobject = {16, 8};
  o.type_object = {416, t.type.tp_name, 88, t.type.tp_flags};
  o.tuple_object = {32, 24, 16};
  o.list_object = {40, 24, 16};
  o.dict_object = {48, t.dict.ma_keys, t.dict.ma_values};
  o.float_object = {24, 16};
  o.long_object = {32, t.long_.size_or_tag, t.long_.digits};
  o.bytes_object = {40, t.bytes.ob_size, t.bytes.ob_sval};
  o.unicode_object = {64, t.unicode.state, t.unicode.length, t.unicode.ascii_data};
  o.gc = {240, t.gc.collecting};
  return o;
}

std::vector<std::byte> to_bytes(const py::DebugOffsets313& o, std::string_view cookie = py::debug_offsets_cookie) {
  std::vector<std::byte> bytes(py::debug_offsets_size_3_13);
  std::memcpy(bytes.data(), cookie.data(), 8);
  py::for_each_debug_offset(o, [&](std::string_view, std::size_t position, std::uint64_t value) {
    std::memcpy(bytes.data() + position, &value, 8);
  });
  return bytes;
}

std::map<std::string, std::optional<std::int64_t>> fields(const py::PythonLayout& l) {
  std::map<std::string, std::optional<std::int64_t>> out;
  py::for_each_offset(l, [&](std::string_view n, std::optional<std::int64_t> v) { out[std::string(n)] = v; });
  return out;
}

std::string unsupported_reason(const py::Decoded<py::PythonLayout>& result) {
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().failure == py::DecodeFailure::unsupported);
  CHECK(result.error().message.find('\n') == std::string::npos);
  return result.error().message;
}

}  // namespace

TEST_SUITE("symbolize::python::layout_select") {
  TEST_CASE("3.11 and 3.12 release builds get their static table with the target's exact version") {
    const pt::FakeMemory nothing;
    for (std::uint32_t v : {0x030b00f0u, 0x030b02f0u, 0x030b07f0u, 0x030c01f0u, 0x030c07f0u}) {
      CAPTURE(v);
      const auto layout = py::select_layout({v, false, 0x1000}, nothing);
      REQUIRE(layout.has_value());
      CHECK(layout->version == v);
      CHECK(layout->frame_model == ((v >> 16) == 0x030b ? py::FrameModel::cframe_entry_flag : py::FrameModel::cframe_shim_frames));
    }
  }

  TEST_CASE("other versions, pre-releases and debug builds are refused with a one-line reason") {
    const pt::FakeMemory nothing;
    CHECK(unsupported_reason(py::select_layout({0x030a0df0, false, 0}, nothing)) == "Python 3.10.13 is not supported (3.11 to 3.13 are)");
    CHECK(unsupported_reason(py::select_layout({0x030e00f0, false, 0}, nothing)) == "Python 3.14.0 is not supported (3.11 to 3.13 are)");
    CHECK(unsupported_reason(py::select_layout({0x020712f0, false, 0}, nothing)) == "Python 2.7.18 is not supported (3.11 to 3.13 are)");
    CHECK(unsupported_reason(py::select_layout({0x030c00c1, false, 0}, nothing)) ==
          "Python 3.12.0rc1 is a pre-release; only the layouts of final releases are known");
    CHECK(unsupported_reason(py::select_layout({0x030b02f0, true, 0}, nothing)) ==
          "Python 3.11.2 is a debug build; only the layouts of release builds are known");
    CHECK(unsupported_reason(py::select_layout({0x030d00f0, true, 0}, nothing)).find("debug build") != std::string::npos);
  }

  TEST_CASE("3.13 is read through the _Py_DebugOffsets at _PyRuntime, which must be readable and valid") {
    pt::FakeMemory memory;
    const std::uint64_t runtime = 0x7f0000001000;
    memory.put(runtime, to_bytes(offsets_3_13()));
    const auto layout = py::select_layout({v3_13_0, false, runtime}, memory);
    REQUIRE_MESSAGE(layout.has_value(), (layout ? "" : layout.error().message));
    auto expected = fields(py::layout_3_13());
    CHECK(fields(*layout) == expected);
    CHECK(layout->provenance.find("_Py_DebugOffsets") != std::string::npos);

    const auto missing = py::select_layout({v3_13_0, false, runtime + 0x100000}, memory);
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().failure == py::DecodeFailure::unreadable);

    pt::FakeMemory garbage;
    garbage.put(runtime, to_bytes(offsets_3_13(), "notdebug"));
    CHECK(unsupported_reason(py::select_layout({v3_13_0, false, runtime}, garbage)).find("xdebugpy") != std::string::npos);
  }

  TEST_CASE("debug offsets of another version, a free-threaded or Py_TRACE_REFS build, or implausible ones are refused") {
    auto check = [](py::DebugOffsets313 o, std::uint32_t py_version, std::string_view says) {
      const auto result = py::layout_from_debug_offsets(o, py_version);
      const auto reason = unsupported_reason(result);
      CHECK_MESSAGE(reason.find(says) != std::string::npos, reason);
    };
    check(offsets_3_13(), 0x030d01f0, "where Py_Version says");
    auto o = offsets_3_13();
    o.version = 0x030e00f0;
    check(o, 0x030e00f0, "is not 3.13");
    o.version = 0x030d00b2;
    check(o, 0x030d00b2, "pre-release");
    o = offsets_3_13();
    o.free_threaded = 1;
    check(o, v3_13_0, "free-threaded");
    o = offsets_3_13();
    o.pyobject = {32, 24};
    check(o, v3_13_0, "Py_TRACE_REFS");
    o = offsets_3_13();
    o.thread_state.native_thread_id = 400;  // past sizeof(PyThreadState)
    check(o, v3_13_0, "outside its struct");
    o = offsets_3_13();
    o.interpreter_state.size = std::uint64_t{1} << 40;
    check(o, v3_13_0, "claims");
    o = offsets_3_13();
    o.interpreter_state.gil_runtime_state = o.interpreter_state.gil_runtime_state_holder + 8;
    check(o, v3_13_0, "before the GIL");
  }

  TEST_CASE("every offset 3.13 publishes is used: changing any one of them refuses the layout, naming the field") {
    // A published value that differs from the 3.13 table means the table's other numbers are not this
    // build's: refused. This also proves each of those fields reaches the layout.
    int perturbed = 0;
    std::set<std::string> named;
    py::for_each_debug_offset(offsets_3_13(), [&](std::string_view name, std::size_t position, std::uint64_t) {
      if (name == "version" || name == "free_threaded" || name.ends_with(".size") || name == "pyobject.ob_type") return;
      auto bytes = to_bytes(offsets_3_13());
      std::uint64_t value;
      std::memcpy(&value, bytes.data() + position, 8);
      value = value >= 8 ? value - 8 : value + 8;  // stays inside its struct
      std::memcpy(bytes.data() + position, &value, 8);
      const auto parsed = py::parse_debug_offsets(bytes);
      REQUIRE(parsed.has_value());
      const auto result = py::layout_from_debug_offsets(*parsed, v3_13_0);
      if (result.has_value()) {
        // Fields gmr does not use may change freely.
        CHECK_MESSAGE((name == "runtime_state.finalizing" || name == "thread_state.status" ||
                       name == "interpreter_frame.localsplus" || name.starts_with("code_object.argcount") ||
                       name.starts_with("code_object.localsplus") || name == "type_object.tp_repr" ||
                       name.starts_with("tuple_object.ob_item") || name.starts_with("list_object.") ||
                       name.starts_with("float_object.") || name == "interpreter_state.gil_runtime_state_enabled"),
                      "changing " << name << " went unnoticed");
        return;
      }
      CHECK(result.error().failure == py::DecodeFailure::unsupported);
      ++perturbed;
    });
    CHECK(perturbed >= 30);
    for (auto name : py::layout_fields_from_debug_offsets()) named.insert(std::string(name));
    const auto all = fields(py::layout_3_13());
    for (const auto& name : named) CHECK_MESSAGE(all.count(name) == 1, name << " is not a layout field");
  }

  TEST_CASE("debug offsets cut short are unreadable") {
    auto bytes = to_bytes(offsets_3_13());
    bytes.resize(100);
    const auto parsed = py::parse_debug_offsets(bytes);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().failure == py::DecodeFailure::unreadable);
  }

  TEST_CASE("the debug-build marker symbols are defined by Debian's python3.11d and by no release interpreter") {
    auto defined = [](const std::string& path) {
      auto run = gmr::test::run_command({"nm", "-D", "--defined-only", path}, 60s);
      REQUIRE_MESSAGE(run.exit_code == 0, "nm failed on " << path << ": " << run.err);
      std::set<std::string> markers;
      std::istringstream lines(run.out);
      for (std::string line; std::getline(lines, line);)
        for (auto symbol : py::debug_build_symbols)
          if (line.size() > symbol.size() && line.ends_with(" " + std::string(symbol))) markers.insert(std::string(symbol));
      return markers;
    };
    int releases = 0;
    for (const auto& install : pt::installs_with_binary()) {
      CAPTURE(install.label);
      // pyenv builds export the interpreter from libpython3.X.so; Debian's python3.11 links it in.
      const auto root = std::filesystem::path(install.binary).parent_path().parent_path();
      const auto library = root / "lib" / ("libpython3." + std::to_string(install.minor) + ".so.1.0");
      const std::string module = std::filesystem::exists(library) ? library.string() : install.binary;
      CAPTURE(module);
      CHECK(defined(module).empty());
      ++releases;
    }
    CHECK(releases >= 1);
    if (std::filesystem::exists("/usr/bin/python3.11d")) {
      const auto markers = defined("/usr/bin/python3.11d");
      CHECK(markers.count("_Py_NegativeRefcount") == 1);
      CHECK(markers.count("_Py_RefTotal") == 1);
      MESSAGE("python3.11d defines " << markers.size() << " debug-build marker symbols; " << releases
                                     << " release interpreters define none");
    } else {
      MESSAGE("SKIPPED the debug build: /usr/bin/python3.11d is not installed (python3.11-dbg)");
    }
  }
}
