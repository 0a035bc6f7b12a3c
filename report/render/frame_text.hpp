// One frame of a text report: its "#N" index, then a native frame's address, function, module and source
// location, or a Python frame's oslo.reports line ("/srv/app/worker.py:42 in Worker.run"), then its source
// line in backticks. Used by every section that shows stacks (Threads, Green Threads, Deadlocks).
#pragma once

#include <cstddef>
#include <ostream>
#include <vector>

#include "report/report.hpp"

namespace gmr::report {

/// Width of the widest "#N" index among `frames` (the indices are padded to it, so the frames align).
std::size_t index_width(const std::vector<Frame>& frames);

/// The frame's line (and its source line, when it has one), the index padded to `width`.
void render_frame(const Frame& frame, std::size_t width, std::ostream& out);

}  // namespace gmr::report
