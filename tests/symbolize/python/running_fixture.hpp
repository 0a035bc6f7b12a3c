// A Python fixture started by an end-to-end test, with the stacks it recorded for itself, and the check
// that a dump left it as it was.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "symbolize/python/python_installs.hpp"

namespace gmr::test::python {

/// A running fixture with the expectation it wrote (under `dir`) and its threads when it was ready.
struct RunningFixture {
  TempDir dir;
  std::unique_ptr<Fixture> fixture;
  nlohmann::json expected;
  std::vector<pid_t> tids;
};

/// `fixture` (a script of tests/fixtures/python) started under `binary`, ready, with the expectation it
/// wrote through GMR_PY_EXPECT.
std::unique_ptr<RunningFixture> start_plain_fixture(const std::string& binary, const PlainFixture& fixture);

/// Running again (no thread in T/t), the same threads, and it ends cleanly when asked.
void check_unharmed(RunningFixture& running);

}  // namespace gmr::test::python
