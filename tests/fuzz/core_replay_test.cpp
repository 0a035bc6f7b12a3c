// Replays every seed of the core-reader fuzz harness and every input that once broke it
// (tests/fuzz/corpus/core/ and tests/fuzz/regressions/core/) through the same checks.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/core_reader.hpp"
#include "fuzz/replay.hpp"

TEST_SUITE("fuzz::replay") {
  TEST_CASE("every seed and regression input of the core reader harness keeps its properties") {
    gmr::fuzz::check_replay(gmr::fuzz::core::harnesses);
  }
}

TEST_SUITE("fuzz::replay") {
  TEST_CASE("the core seeds reach the readers' success paths: a gmr core and another core read back") {
    auto seed = [](const char* name) {
      std::ifstream in(std::filesystem::path(GMR_TEST_DATA_DIR) / "fuzz" / "corpus" / "core" / name, std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      return bytes.str();
    };
    for (const char* name : {"gmr-minimal", "other-segv"}) {
      CAPTURE(name);
      const std::string file = seed(name);
      const auto image = gmr::core::parse_core(std::as_bytes(std::span<const char>(file)));
      REQUIRE_MESSAGE(image.has_value(), image.error());
      const auto core = gmr::core::snapshot_from_core(*image, file.size(), {});
      REQUIRE_MESSAGE(core.has_value(), core.error());
      CHECK(core->warnings.empty());
      REQUIRE(!core->snapshot.threads.empty());
      CHECK(core->snapshot.threads.front().facts.tid == 42);
      CHECK(core->snapshot.threads.front().stack.has_value());
    }
  }
}
