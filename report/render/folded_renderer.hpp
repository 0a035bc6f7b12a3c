// --format folded: one line per distinct stack, "program;outermost;...;innermost COUNT" — the input of
// flamegraph.pl, inferno and speedscope.
#pragma once

#include <ostream>
#include <string>

#include "report/report.hpp"

namespace gmr::report {

/// How a frame is spelled in folded output: a Python frame as "qualname (file:line)"; a native one by its
/// function, else "module+0xOFF", else "0xPC"; ';' and line breaks (the format's separators) never
/// appear in it.
std::string folded_frame(const Frame& frame);

/// One line per distinct stack with the number of threads that have it, most frequent first (then by
/// text). The first element is the program (the executable's file name, else "pid N"). A thread without
/// frames counts as "[not frozen]" or "[no frames]", so the counts sum to the number of threads. The frames
/// are those of the default view (report/render/frame_view.hpp), every frame with `native_frames`.
void render_folded(const Report& report, std::ostream& out, bool native_frames = false);

}  // namespace gmr::report
