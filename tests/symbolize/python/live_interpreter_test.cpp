// The decoders against real interpreters: each installed CPython runs live_target.py, which parks
// threads in known places and prints what it holds; the test reads the process's memory from outside
// (/proc/PID/mem) and must find the same: the layout chosen for its Py_Version (3.13 from the
// _Py_DebugOffsets in its memory, checked against the headers), every thread with its Python stack
// (qualified name, file, line), the GIL holder, the thread names of threading._active, and strings,
// bytes, ints, dicts (looked up by scanning and through the target's str hash) and instance attributes of
// every layout.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "symbolize/python/bytes_object.hpp"
#include "symbolize/python/debug_offsets.hpp"
#include "symbolize/python/dict_object.hpp"
#include "symbolize/python/frame_chain.hpp"
#include "symbolize/python/layout_select.hpp"
#include "symbolize/python/long_object.hpp"
#include "symbolize/python/object_types.hpp"
#include "symbolize/python/python_installs.hpp"
#include "symbolize/python/remote_read.hpp"
#include "symbolize/python/str_hash.hpp"
#include "symbolize/python/thread_names.hpp"
#include "symbolize/python/thread_states.hpp"
#include "symbolize/python/unicode_object.hpp"

namespace py = gmr::symbolize::python;
namespace pt = gmr::test::python;
using namespace std::chrono_literals;

namespace {

std::string unhex(const std::string& hex) {
  if (hex == "-") return "";
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

std::uint64_t number(const std::string& text) { return std::stoull(text); }

struct ExpectedFrame {
  std::string qualname, filename;
  int line = 0;
};
struct ExpectedThread {
  std::uint64_t ident = 0, native_id = 0;
  std::string name, role;
  std::vector<ExpectedFrame> frames;
};

struct TargetReport {
  std::uint32_t version = 0;
  std::uint64_t runtime = 0;
  py::KnownTypes types;
  std::vector<std::vector<std::string>> lines;  // every other line, split in fields
  std::vector<ExpectedThread> threads;
};

TargetReport read_report(gmr::test::Fixture& target) {
  TargetReport report;
  std::map<std::uint64_t, std::size_t> by_ident;
  for (;;) {
    const std::string line = target.read_line();
    if (line == "end") break;
    std::istringstream in(line);
    std::vector<std::string> f;
    for (std::string field; in >> field;) f.push_back(field);
    REQUIRE(!f.empty());
    if (f[0] == "version") {
      report.version = static_cast<std::uint32_t>(number(f[1]));
    } else if (f[0] == "runtime") {
      report.runtime = number(f[1]);
    } else if (f[0] == "type") {
      const auto address = number(f[2]);
      if (f[1] == "code") report.types.code = address;
      if (f[1] == "str") report.types.str = address;
      if (f[1] == "bytes") report.types.bytes = address;
      if (f[1] == "int") report.types.int_ = address;
      if (f[1] == "dict") report.types.dict = address;
      if (f[1] == "module") report.types.module = address;
      if (f[1] == "frame") report.types.frame = address;
    } else if (f[0] == "thread") {
      by_ident[number(f[1])] = report.threads.size();
      report.threads.push_back({number(f[1]), number(f[2]), unhex(f[3]), f[4], {}});
    } else if (f[0] == "frame") {
      report.threads.at(by_ident.at(number(f[1]))).frames.push_back({unhex(f[2]), unhex(f[3]), std::stoi(f[4])});
    } else {
      report.lines.push_back(f);
    }
  }
  return report;
}

const char* failure(const py::DecodeError& e) { return py::failure_name(e.failure); }

/// A source that counts the bytes read through it.
class CountingMemory final : public gmr::attach::MemorySource {
 public:
  explicit CountingMemory(const gmr::attach::MemorySource& inner) : inner_(inner) {}
  std::size_t read(std::uint64_t address, std::span<std::byte> out) const override {
    bytes += out.size();
    return inner_.read(address, out);
  }
  mutable std::size_t bytes = 0;

 private:
  const gmr::attach::MemorySource& inner_;
};

// The Python frames of a chain as the interpreter itself shows them: shim frames left out.
std::vector<const py::PythonFrame*> visible(const py::FrameChain& chain) {
  std::vector<const py::PythonFrame*> frames;
  for (const auto& f : chain.frames)
    if (!f.frame.is_shim) frames.push_back(&f);
  return frames;
}

}  // namespace

TEST_SUITE("symbolize::python::live") {
  TEST_CASE("threads, stacks, GIL holder, thread names and objects read from outside equal what the interpreter says") {
    for (const auto& install : pt::installs_to_run()) {
      CAPTURE(install.label);
      gmr::test::FixtureOptions options;
      options.prefix = {install.binary, "-I", pt::test_file("live_target.py")};
      gmr::test::Fixture target("live_target.py", options);  // the name only fills an ignored argument
      const TargetReport report = read_report(target);
      pt::ProcMemory memory(target.pid());

      // The layout, as gmr would choose it from the symbols (a release build).
      const py::InterpreterBuild build{report.version, false, report.runtime};
      const auto chosen = py::select_layout(build, memory);
      REQUIRE_MESSAGE(chosen.has_value(), (chosen ? "" : chosen.error().message));
      const py::PythonLayout& layout = *chosen;
      CHECK(layout.version == report.version);
      CHECK((layout.version >> 16) == static_cast<std::uint32_t>(0x0300 | install.minor));

      if (install.minor == 13) {
        // The real bytes at the start of _PyRuntime: cookie, version, and each offset as the headers say.
        auto bytes = py::read_block(memory, report.runtime, py::debug_offsets_size_3_13, "_PyRuntime");
        REQUIRE(bytes.has_value());
        CHECK(std::string(reinterpret_cast<const char*>(bytes->bytes().data()), 8) == "xdebugpy");
        const auto parsed = py::parse_debug_offsets(bytes->bytes());
        REQUIRE(parsed.has_value());
        CHECK(parsed->version == report.version);
        if (!install.include.empty()) {
          const auto probe = pt::run_layout_probe(install.include);
          int fields = 0;
          py::for_each_debug_offset(*parsed, [&](std::string_view name, std::size_t, std::uint64_t value) {
            INFO("_Py_DebugOffsets." << name);
            CHECK(static_cast<long long>(value) == probe.debug.at(std::string(name)).second);
            ++fields;
          });
          MESSAGE(install.label << ": the live process's _Py_DebugOffsets (cookie, version and " << fields
                                << " fields) equal its headers");
        } else {
          MESSAGE("SKIPPED for " << install.label << ": no headers to compare its live _Py_DebugOffsets with");
        }
      }

      // Interpreters and thread states.
      const auto interps = py::interpreter_addresses(memory, layout, report.runtime);
      REQUIRE(interps.has_value());
      REQUIRE(interps->size() == 1);
      const std::uint64_t interp = interps->front();
      const auto list = py::thread_states(memory, layout, interp);
      CHECK_FALSE(list.truncated.has_value());
      REQUIRE(list.threads.size() == report.threads.size());
      std::map<std::uint64_t, const py::ThreadState*> by_native;
      for (const auto& t : list.threads) {
        CHECK(t.interp == interp);
        by_native[t.native_thread_id] = &t;
      }

      // The GIL: taken by the holder thread once the main thread blocked.
      const ExpectedThread* holder_expected = nullptr;
      for (const auto& t : report.threads)
        if (t.role == "holder") holder_expected = &t;
      REQUIRE(holder_expected);
      const py::ThreadState* holder = by_native.at(holder_expected->native_id);
      std::optional<std::uint64_t> gil;
      CHECK(gmr::test::wait_until(10s, [&] {
        auto h = py::gil_holder(memory, layout, report.runtime, interp);
        gil = h ? *h : std::nullopt;
        return gil == holder->address;
      }));
      CHECK(gil == holder->address);
      if (layout.runtime.gilstate_tstate_current) {
        auto current = py::read_word(memory, report.runtime + *layout.runtime.gilstate_tstate_current, "tstate_current");
        REQUIRE(current.has_value());
        CHECK(*current == holder->address);
      }

      // Every thread's stack, frame for frame.
      py::CodeObjectCache codes;
      int frames_compared = 0;
      for (const auto& expected : report.threads) {
        CAPTURE(expected.name);
        REQUIRE(by_native.count(expected.native_id) == 1);
        const py::ThreadState& thread = *by_native.at(expected.native_id);
        CHECK(thread.thread_id == expected.ident);
        CHECK_FALSE(thread.top_frame_error.has_value());
        const auto chain = py::walk_frame_chain(memory, layout, report.types, thread.top_frame, codes);
        CHECK_FALSE(chain.truncated.has_value());
        const auto frames = visible(chain);
        REQUIRE(frames.size() == expected.frames.size());
        for (std::size_t i = 0; i < frames.size(); ++i) {
          CAPTURE(i);
          const auto& got = *frames[i];
          INFO("frame error: " << (got.error ? got.error->message : "none"));
          CHECK(got.qualname == expected.frames[i].qualname);
          CHECK(got.filename == expected.frames[i].filename);
          CHECK(got.line == std::optional<int>(expected.frames[i].line));
          ++frames_compared;
        }
        // Activations of the eval loop: marked by is_entry (3.11) or a shim frame (3.12+), one per
        // _PyCFrame below the root (3.11, 3.12), whose current_frame is a frame of the chain.
        const auto markers = std::count_if(chain.frames.begin(), chain.frames.end(), [&](const py::PythonFrame& f) {
          return layout.frame_model == py::FrameModel::cframe_entry_flag ? f.frame.is_entry : f.frame.is_shim;
        });
        CHECK(markers >= 1);
        if (expected.name == "🧵-astral") CHECK(markers >= 2);  // the map() callback runs in its own activation
        if (layout.thread.cframe) {
          const auto cframes = py::cframe_chain(memory, layout, thread);
          REQUIRE(cframes.has_value());
          REQUIRE(!cframes->empty());
          CHECK(cframes->back().address == thread.address + *layout.thread.root_cframe);
          CHECK(static_cast<long>(cframes->size()) - 1 == markers);
          std::set<std::uint64_t> in_chain;
          for (const auto& f : chain.frames) in_chain.insert(f.frame.address);
          for (std::size_t i = 0; i + 1 < cframes->size(); ++i) CHECK(in_chain.count((*cframes)[i].current_frame) == 1);
        }
      }

      // threading._active: every thread with its (non-ASCII too) name.
      const auto names = py::thread_names(memory, layout, report.types, interp);
      REQUIRE_MESSAGE(names.has_value(), (names ? "" : names.error().message));
      CHECK(names->size() == report.threads.size());
      std::map<std::uint64_t, std::string> name_of;
      for (const auto& n : *names) {
        INFO("ident " << n.ident << ": " << (n.error ? n.error->message : ""));
        REQUIRE(n.name.has_value());
        name_of[n.ident] = *n.name;
      }
      for (const auto& t : report.threads) CHECK(name_of[t.ident] == t.name);

      // The GC's lists: rings through _gc_next that come back to their heads.
      const auto heads = py::gc_list_heads(layout, interp);
      std::uint64_t tracked = 0;
      std::vector<std::uint64_t> lists = heads.generations;
      lists.push_back(heads.permanent_generation);
      for (std::uint64_t head : lists) {
        std::uint64_t node = head;
        for (int steps = 0;; ++steps) {
          REQUIRE(steps < 2'000'000);
          auto next = py::read_word(memory, node + layout.gc.gc_next, "gc list");
          REQUIRE(next.has_value());
          node = *next & ~std::uint64_t{3};
          if (node == head) break;
          ++tracked;
        }
      }
      auto collecting = py::read_block(memory, heads.collecting, 4, "gc.collecting");
      REQUIRE(collecting.has_value());
      CHECK(collecting->get<std::int32_t>(0) == 0);
      CHECK(tracked > 1000);

      // Objects.
      std::map<std::string, std::uint64_t> dicts;
      std::map<std::string, std::uint64_t> dict_sizes;
      std::optional<py::StrHasher> hasher;
      int objects = 0;
      for (const auto& f : report.lines) {
        CAPTURE(f[0]);
        CAPTURE(f.size() > 1 ? f[1] : "");
        ++objects;
        if (f[0] == "str") {
          const auto got = py::read_str(memory, layout, report.types, number(f[2]));
          if (f[3] == "ok") {
            REQUIRE_MESSAGE(got.has_value(), (got ? "" : got.error().message));
            CHECK(*got == unhex(f[4]));
          } else {
            REQUIRE_FALSE(got.has_value());
            CHECK(std::string(failure(got.error())) == f[3]);
          }
        } else if (f[0] == "bytes") {
          const auto got = py::read_bytes_object(memory, layout, report.types, number(f[2]));
          if (f[3] == "ok") {
            REQUIRE(got.has_value());
            CHECK(std::string(reinterpret_cast<const char*>(got->data()), got->size()) == unhex(f[4]));
          } else {
            REQUIRE_FALSE(got.has_value());
            CHECK(std::string(failure(got.error())) == f[3]);
          }
        } else if (f[0] == "int") {
          const auto got = py::read_int(memory, layout, report.types, number(f[2]));
          if (f[3] == "ok") {
            REQUIRE_MESSAGE(got.has_value(), (got ? "" : got.error().message));
            CHECK(got->negative == (f[4] == "1"));
            CHECK(got->magnitude == number(f[5]));
          } else {
            REQUIRE_FALSE(got.has_value());
            CHECK(std::string(failure(got.error())) == f[3]);
          }
        } else if (f[0] == "dict") {
          dicts[f[1]] = number(f[2]);
          dict_sizes[f[1]] = number(f[3]);
          const auto entries = py::dict_entries(memory, layout, report.types, number(f[2]));
          REQUIRE(entries.has_value());
          CHECK(entries->size() == number(f[3]));
        } else if (f[0] == "hashsecret") {
          auto secret = py::read_block(memory, number(f[1]), 16, "_Py_HashSecret");
          REQUIRE(secret.has_value());
          hasher = py::StrHasher{secret->pointer(0), secret->pointer(8)};
        } else if (f[0] == "strhash") {
          REQUIRE(hasher.has_value());
          CHECK(hasher->hash(unhex(f[1])) == std::stoll(f[2]));
        } else if (f[0] == "dictget") {
          // By scanning the keys, by probing the hash table, and with a wrong hash (which must fall back).
          REQUIRE(hasher.has_value());
          const py::StrHasher wrong{hasher->k0 ^ 1, hasher->k1};
          CountingMemory scan_reads(memory), probe_reads(memory);
          const auto got = py::dict_get_str(scan_reads, layout, report.types, dicts.at(f[1]), unhex(f[2]));
          const auto probed = py::dict_get_str(probe_reads, layout, report.types, dicts.at(f[1]), unhex(f[2]), &*hasher);
          const auto fallback = py::dict_get_str(memory, layout, report.types, dicts.at(f[1]), unhex(f[2]), &wrong);
          for (const auto* result : {&got, &probed, &fallback}) {
            REQUIRE_MESSAGE(result->has_value(), (*result ? "" : result->error().message));
            CHECK((*result)->value_or(0) == number(f[3]));
          }
          // A key that is there: a few slots and keys instead of every key.
          if (number(f[3]) != 0 && dict_sizes.at(f[1]) >= 50) CHECK(probe_reads.bytes * 10 < scan_reads.bytes);
        } else if (f[0] == "attr") {
          const auto got = py::instance_attribute(memory, layout, report.types, number(f[1]), unhex(f[2]));
          REQUIRE_MESSAGE(got.has_value(), (got ? "" : got.error().message));
          CHECK(got->value_or(0) == number(f[3]));
        } else if (f[0] == "derives") {
          const auto got = py::derives_from(memory, layout, number(f[1]), number(f[2]));
          REQUIRE(got.has_value());
          CHECK(*got == (f[3] == "1"));
        } else if (f[0] == "typename") {
          const auto got = py::type_name(memory, layout, number(f[1]));
          REQUIRE(got.has_value());
          CHECK(*got == unhex(f[2]));
        } else {
          FAIL("live_target.py printed an unknown line: " << f[0]);
        }
      }
      // The exported type addresses are what ob_type says, and the tp_name fallback agrees with them.
      for (const auto& thread : list.threads) {
        if (thread.top_frame == 0) continue;
        auto frame = py::read_interpreter_frame(memory, layout, thread.top_frame);
        REQUIRE(frame.has_value());
        auto type = py::type_of(memory, layout, frame->executable);
        REQUIRE(type.has_value());
        CHECK(*type == *report.types.code);
        CHECK(py::check_exact_type(memory, layout, py::KnownTypes{}, *type, py::BuiltinType::code).has_value());
        CHECK_FALSE(py::check_exact_type(memory, layout, py::KnownTypes{}, *type, py::BuiltinType::str).has_value());
      }
      MESSAGE(install.label << " (layout: " << layout.provenance << "): " << list.threads.size() << " threads, "
                            << frames_compared << " frames equal to the interpreter's own, GIL holder found, "
                            << names->size() << " thread names, " << tracked << " GC-tracked objects in rings, "
                            << objects << " object checks");
    }
  }
}
