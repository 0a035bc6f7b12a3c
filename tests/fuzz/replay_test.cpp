// Replays every fuzz seed and every input that once broke a harness (tests/fuzz/corpus/<harness>/ and
// tests/fuzz/regressions/<harness>/) through the same checks the libFuzzer harnesses make.
#include <doctest/doctest.h>

#include "fuzz/parsers.hpp"
#include "fuzz/replay.hpp"

TEST_SUITE("fuzz::replay") {
  TEST_CASE("every seed and regression input of every parser harness keeps its properties") {
    gmr::fuzz::check_replay(gmr::fuzz::harnesses);
  }
}
