// Replays every fuzz seed and every input that once broke a harness (tests/fuzz/corpus/<harness>/ and
// tests/fuzz/regressions/<harness>/) through the same checks the libFuzzer harnesses make.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/parsers.hpp"

TEST_SUITE("fuzz::replay") {
  TEST_CASE("every seed and regression input of every parser harness keeps its properties") {
    for (const auto& harness : gmr::fuzz::harnesses) {
      CAPTURE(harness.name);
      int inputs = 0;
      for (const char* kind : {"corpus", "regressions"}) {
        const std::filesystem::path dir = std::filesystem::path(GMR_TEST_DATA_DIR) / "fuzz" / kind / harness.name;
        if (!std::filesystem::exists(dir)) continue;
        for (const auto& entry : std::filesystem::directory_iterator(dir)) {
          std::ifstream in(entry.path(), std::ios::binary);
          std::stringstream bytes;
          bytes << in.rdbuf();
          INFO("input ", entry.path().string());
          CHECK(harness.exercise(bytes.str()) == std::nullopt);
          ++inputs;
        }
      }
      CHECK(inputs >= 3);  // a harness without seeds fuzzes blind
    }
  }
}
