// Replays every seed of the symbolize/python fuzz harnesses and every input that once broke one
// (tests/fuzz/corpus/python_*/ and tests/fuzz/regressions/python_*/) through the same checks.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/python_decoders.hpp"
#include "fuzz/replay.hpp"

TEST_SUITE("fuzz::replay") {
  TEST_CASE("every seed and regression input of every Python decoder harness keeps its properties") {
    gmr::fuzz::check_replay(gmr::fuzz::python::harnesses);
  }
}

TEST_SUITE("fuzz::replay") {
  TEST_CASE("the Python memory seeds reach the decoders' success paths, not only their first checks") {
    namespace py = gmr::symbolize::python;
    auto seed = [](const char* name) {
      std::ifstream in(std::filesystem::path(GMR_TEST_DATA_DIR) / "fuzz" / "corpus" / "python_memory" / name, std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      return bytes.str();
    };
    const std::uint64_t b = gmr::fuzz::python::InputMemory::base;
    const py::KnownTypes known{b + 0x10, b + 0x20, b + 0x30, b + 0x40, b + 0x50, b + 0x60, std::nullopt};
    int layouts = 0;
    for (const auto& [version, l] : {std::pair{"3.11", py::layout_3_11()}, std::pair{"3.12", py::layout_3_12()},
                                     std::pair{"3.13", py::layout_3_13()}}) {
      CAPTURE(version);
      const std::string str = seed((std::string("str-") + version).c_str());
      CHECK(*py::read_str(gmr::fuzz::python::InputMemory(str), l, known, b + 16) == "worker-1");

      const std::string frames = seed((std::string("frame-cycle-") + version).c_str());
      const gmr::fuzz::python::InputMemory frame_memory(frames);
      py::CodeObjectCache codes;
      const auto chain = py::walk_frame_chain(frame_memory, l, known, b + 16, codes);
      REQUIRE(chain.frames.size() == 2);
      CHECK(chain.truncated->failure == py::DecodeFailure::cycle);
      CHECK(chain.frames[0].qualname == "run");
      CHECK(chain.frames[0].line == 12);
      ++layouts;
    }
    CHECK(layouts == 3);

    const std::string dict = seed("dict-3.11");
    CHECK(py::dict_get_str(gmr::fuzz::python::InputMemory(dict), py::layout_3_11(), known, b + 16, "name")->value_or(0) == b + 0x99);

    const std::string debug = seed("debug-offsets-3.13.0");
    const auto parsed = py::parse_debug_offsets(std::span(reinterpret_cast<const std::byte*>(debug.data()), debug.size()));
    REQUIRE(parsed.has_value());
    CHECK(py::layout_from_debug_offsets(*parsed, 0x030d00f0).has_value());
  }
}
