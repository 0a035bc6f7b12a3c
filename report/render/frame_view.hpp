// Which of a thread's frames the text and folded outputs show. JSON always gives every frame (with
// `kind` and `interpreter_plumbing`, so a consumer can make the same choice).
//
// By default, a thread without Python frames shows every frame. A thread with Python frames shows every
// Python frame and the native frames that matter: those that are not interpreter plumbing
// (report/build/interpreter_plumbing.hpp) and do not lie below its outermost placed Python frame (the
// thread's start-up: start_thread, Py_RunMain, main…). So the C call or syscall a Python frame is blocked
// in stays, and so does C code between Python frames. With --native (`all`), every frame.
#pragma once

#include <cstddef>
#include <vector>

#include "report/report.hpp"

namespace gmr::report {

struct FrameView {
  std::vector<const Frame*> shown;  // innermost first
  std::size_t hidden = 0;           // native frames left out
};

FrameView frame_view(const Thread& thread, bool all);

}  // namespace gmr::report
