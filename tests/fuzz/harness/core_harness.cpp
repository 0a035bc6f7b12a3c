// libFuzzer entry point for the core-file reader (report/core): built by .ci/fuzz with
// -DGMR_FUZZ_EXERCISE=exercise_core, report/core's reader sources and attach/base/maps.cpp (clang++
// -fsanitize=fuzzer,address,undefined). Not part of gmr_tests.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/core_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto violation = gmr::fuzz::core::GMR_FUZZ_EXERCISE(input)) {
    std::fprintf(stderr, "property broken: %s\n", violation->c_str());
    std::abort();
  }
  return 0;
}
