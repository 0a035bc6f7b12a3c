// libFuzzer entry point for one decoder of symbolize/python: built once per harness by .ci/fuzz with
// -DGMR_FUZZ_EXERCISE=exercise_<name> and symbolize/python/*.cpp (clang++ -fsanitize=fuzzer,address,
// undefined). Not part of gmr_tests.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/python_decoders.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto violation = gmr::fuzz::python::GMR_FUZZ_EXERCISE(input)) {
    std::fprintf(stderr, "property broken: %s\n", violation->c_str());
    std::abort();
  }
  return 0;
}
