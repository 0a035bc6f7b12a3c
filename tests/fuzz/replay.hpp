// Replays every seed and every input that once broke a harness (tests/fuzz/corpus/<harness>/ and
// tests/fuzz/regressions/<harness>/) through the same checks the libFuzzer harnesses make.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace gmr::fuzz {

/// `harnesses`: a range of {name, exercise(bytes) -> nullopt or the property broken}.
template <typename Harnesses>
void check_replay(const Harnesses& harnesses) {
  for (const auto& harness : harnesses) {
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

}  // namespace gmr::fuzz
