// Placing a thread's Python frames among its native frames, by address (never by function name, which
// breaks on .cold parts and stripped binaries): each eval-loop run (symbolize/python/python_process.hpp)
// goes to the native frame i whose stack range [sp_i, sp_{i+1}) holds the run's C-stack marker — that
// frame is the _PyEval_EvalFrameDefault activation running the run — right above it (its Python frames
// are what it executes, innermost first). The stack grows down, so successive runs, innermost first,
// must land on successive frames further out; a run that breaks that order, has no marker, or whose
// marker lies in no frame's range is not placed: its frames are shown first, above the native ones,
// in the interpreter's order, and marked so.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "report/report.hpp"
#include "symbolize/named_frame.hpp"
#include "symbolize/python/python_process.hpp"
#include "symbolize/source_lines.hpp"
#include "symbolize/unwinder.hpp"

namespace gmr::report {

struct RunPlacement {
  enum class Kind {
    at_frame,       // above native frame `frame` (an index of the raw unwind)
    past_the_cut,   // beyond the last frame of an unwind --max-frames cut: left out with the frames cut
    not_placed,     // shown above the native frames
  };
  Kind kind = Kind::not_placed;
  std::size_t frame = 0;
};

/// Where each of `runs` goes among the raw frames of `unwind`. The outermost frame's range is open-ended
/// when the unwind reached the outermost frame, empty otherwise.
std::vector<RunPlacement> place_runs(const symbolize::RawUnwind& unwind,
                                     std::span<const symbolize::python::FrameRun> runs);

/// A Python frame as a report frame (kind python, not yet indexed): its source line's text read through
/// `sources` when not null.
Frame python_frame(const symbolize::python::PythonFrame& frame, bool placed, symbolize::SourceLines* sources);

struct MergedFrames {
  std::vector<Frame> frames;       // innermost first, not yet indexed
  std::size_t python_frames = 0;   // the thread's Python frames, as read
  std::size_t unplaced = 0;        // of them, not placed
  bool cut = false;                // some were past the cut of a truncated unwind
};

/// The thread's frames: `named[i]` are the frames named from raw frame i of `unwind` (inlined calls
/// first); `python` the thread's Python side, if any. Native frames of a thread with Python frames are
/// marked as plumbing when they are (interpreter_plumbing.hpp, `interpreter_module`).
MergedFrames merge_frames(const symbolize::RawUnwind& unwind,
                          const std::vector<std::vector<symbolize::NamedFrame>>& named,
                          const symbolize::python::PythonThread* python, std::string_view interpreter_module,
                          symbolize::SourceLines* sources);

}  // namespace gmr::report
