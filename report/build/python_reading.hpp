// What a dump learnt of the target's Python, handed to build_report next to the Snapshot: the walker's
// result over the Snapshot's copies (symbolize/python/walker.hpp), and one-line notes for the report (why
// Python was not read, a budget spent while frozen).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/report.hpp"
#include "symbolize/python/python_process.hpp"

namespace gmr::report {

struct PythonReading {
  std::optional<symbolize::python::PythonProcess> process;  // absent: no Python was read
  std::string interpreter_module;  // with `process`: the file defining _PyRuntime (python or libpython3.X.so)
  std::vector<CaptureNote> notes;  // python_not_read, python_read_failed, python_budget_spent
};

}  // namespace gmr::report
