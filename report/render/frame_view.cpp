#include "report/render/frame_view.hpp"

#include <optional>

namespace gmr::report {

FrameView frame_view(const Thread& thread, bool all) {
  FrameView view;
  bool python = false;
  std::optional<std::size_t> outermost_placed;
  for (std::size_t i = 0; i < thread.frames.size(); ++i) {
    const Frame& frame = thread.frames[i];
    if (frame.kind != Frame::Kind::python) continue;
    python = true;
    if (frame.python && frame.python->placed) outermost_placed = i;
  }
  for (std::size_t i = 0; i < thread.frames.size(); ++i) {
    const Frame& frame = thread.frames[i];
    const bool left_out = !all && python && frame.kind == Frame::Kind::native &&
                          (frame.interpreter_plumbing || (outermost_placed && i > *outermost_placed));
    if (left_out)
      ++view.hidden;
    else
      view.shown.push_back(&frame);
  }
  return view;
}

}  // namespace gmr::report
