// The layouts of CPython 3.11, 3.12 and 3.13 release builds on x86-64, written down from their headers
// (Include/internal, compiled with -DPy_BUILD_CORE) and checked against every installed copy of those
// headers by tests/symbolize/python/layout_headers_test.cpp. 3.13 targets are read through the
// _Py_DebugOffsets they publish (debug_offsets.hpp); its static table supplies what that lacks.
#pragma once

#include "symbolize/python/layout.hpp"

namespace gmr::symbolize::python {

/// 3.11.x (checked against 3.11.2 of Debian 12 and 3.11.7).
PythonLayout layout_3_11();
/// 3.12.x (checked against 3.12.1).
PythonLayout layout_3_12();
/// 3.13.x (checked against 3.13.0).
PythonLayout layout_3_13();

}  // namespace gmr::symbolize::python
