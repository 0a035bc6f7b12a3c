// The lock analysis in Python terms: a Python thread whose futex wait is the acquire of a threading.Lock or
// RLock gets that lock (object, type, an RLock's owner and count) and the Python frame that asked, on its
// Wait. The walker found the lock object on the asking frame's evaluation stack with the futex word the
// thread's registers name (symbolize/python/lock_wait.hpp); here it is named only when the lock analysis
// classified the same thread as a plain futex wait on that same word. Anything else keeps the native line.
#pragma once

#include "report/build/python_reading.hpp"
#include "report/report.hpp"

namespace gmr::report {

/// Sets `wait.python_lock` of every thread of `report` whose Python side (in `python`) has a lock wait on
/// the futex word its Wait names. Runs after analyse_locks and after the frames were merged.
void add_python_lock_waits(const PythonReading& python, report::Report& report);

}  // namespace gmr::report
