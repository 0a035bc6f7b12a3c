// What gmr decided about a target's Python before freezing it: nothing to read (no CPython in the
// process), a one-line reason not to read it (a version or build whose layout gmr does not know), or
// where the interpreter is and how to read it. Made from the target's files (symbolize/python_symbols.hpp)
// plus, for 3.13, the _Py_DebugOffsets bytes attach read from the target before the freeze.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "symbolize/python/layout.hpp"
#include "symbolize/python/object_types.hpp"

namespace gmr::symbolize::python {

/// A CPython runtime gmr can read.
struct PythonTarget {
  PythonLayout layout;
  std::string module;                          // the file that defines _PyRuntime (executable or libpython)
  std::uint64_t runtime = 0;                   // &_PyRuntime in the target
  KnownTypes types;                            // the interpreter's type objects, for the ob_type checks
  std::optional<std::uint64_t> greenlet_type;  // PyGreenlet_Type, when a _greenlet module is loaded
  std::optional<std::uint64_t> hash_secret;    // &_Py_HashSecret: its first 16 bytes key the str hash
};

struct PythonPlan {
  std::optional<PythonTarget> target;  // set: read it while frozen
  std::optional<std::string> refused;  // set: the process runs a Python gmr does not read, and why (one line)
  bool python() const { return target.has_value() || refused.has_value(); }
};

}  // namespace gmr::symbolize::python
