// The Green Threads section of the text report (oslo.reports' name and layout): a banner, how many live
// greenlets were found among how many GC-tracked objects (or why none were listed), then per greenlet a
// sub-header, its type, thread and state, and its Python stack.
#pragma once

#include <ostream>

#include "report/report.hpp"
#include "report/thread_index.hpp"

namespace gmr::report {

/// The section is shown for a Python process that has greenlets to look for (or where the search was
/// turned off): not for plain Python programs.
bool shows_green_threads(const Report& report);

void render_green_threads(const PythonInfo& python, const ThreadIndex& threads, std::ostream& out);

}  // namespace gmr::report
