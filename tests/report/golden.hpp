// Golden-file comparison for renderer tests. Goldens live in tests/golden/ and are compared byte for byte.
// To accept new output after a deliberate format change, rerun the tests with GMR_UPDATE_GOLDEN=1
// (e.g. `GMR_UPDATE_GOLDEN=1 ./gmr_tests -ts='report::*'`) and review the diff in git.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>

namespace gmr::test {

inline std::string golden_path(std::string_view name) {
  return std::string{GMR_TEST_DATA_DIR} + "/golden/" + std::string{name};
}

inline bool update_goldens() {
  const char* flag = std::getenv("GMR_UPDATE_GOLDEN");
  return flag != nullptr && std::string_view{flag} == "1";
}

/// The 1-based number of the first line where `a` and `b` differ, with both lines ("<end of file>" past the end).
struct LineDiff {
  std::size_t line = 0;
  std::string expected;
  std::string actual;
};

inline LineDiff first_difference(const std::string& expected, const std::string& actual) {
  std::istringstream e{expected}, a{actual};
  LineDiff diff;
  while (true) {
    ++diff.line;
    std::string el, al;
    const bool has_e = static_cast<bool>(std::getline(e, el));
    const bool has_a = static_cast<bool>(std::getline(a, al));
    if (!has_e && !has_a) return {diff.line, "<no difference by line: check the final newline>", ""};
    if (has_e != has_a || el != al)
      return {diff.line, has_e ? el : "<end of file>", has_a ? al : "<end of file>"};
  }
}

inline void check_golden(std::string_view name, const std::string& actual) {
  const auto path = golden_path(name);
  if (update_goldens()) {
    std::ofstream{path, std::ios::binary} << actual;
    MESSAGE("updated golden " << path);
    return;
  }
  std::ifstream in{path, std::ios::binary};
  REQUIRE_MESSAGE(in.good(), "missing golden " << path << " (create it with GMR_UPDATE_GOLDEN=1)");
  const std::string expected{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  if (expected == actual) return;
  const auto diff = first_difference(expected, actual);
  FAIL_CHECK("output differs from " << path << " at line " << diff.line << "\n  expected: " << diff.expected
                                    << "\n  actual:   " << diff.actual
                                    << "\n(rerun with GMR_UPDATE_GOLDEN=1 to accept the new output)");
}

}  // namespace gmr::test
