// libFuzzer entry point for one parser: built once per harness by .ci/fuzz with
// -DGMR_FUZZ_EXERCISE=exercise_<name> (clang++ -fsanitize=fuzzer,address,undefined). Not part of gmr_tests.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/parsers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto violation = gmr::fuzz::GMR_FUZZ_EXERCISE(text)) {
    std::fprintf(stderr, "property broken: %s\n", violation->c_str());
    std::abort();
  }
  return 0;
}
