// A thread's Python frames, split into the runs that each activation of the eval loop
// (_PyEval_EvalFrameDefault) executes, each with the address of that activation's marker on the C stack,
// so that report/build can place the run among the native frames by address.
//
//   3.11: the run ends with the frame whose `is_entry` is set; the marker is the activation's _PyCFrame
//         (the `tstate->cframe → previous` chain), the one whose `current_frame` is the run's first frame.
//   3.12, 3.13: the run ends at the activation's shim frame (owner FRAME_OWNED_BY_CSTACK), a local of the
//         eval loop: the shim's own address is the marker, and the shim is left out of the run.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "attach/memory_source.hpp"
#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/frame_chain.hpp"
#include "symbolize/python/layout.hpp"
#include "symbolize/python/object_types.hpp"
#include "symbolize/python/python_process.hpp"
#include "symbolize/python/thread_states.hpp"

namespace gmr::symbolize::python {

struct ThreadRuns {
  std::vector<FrameRun> runs;             // innermost activation first; none without frames
  std::optional<DecodeError> truncated;   // why the frames stop before the bottom of the thread
  std::optional<DecodeError> markers;     // why markers are missing (the _PyCFrame chain could not be read)
};

/// At most `max_frames` frames of `thread` (shim frames included in the count).
ThreadRuns read_thread_runs(const attach::MemorySource& memory, const PythonLayout& layout, const KnownTypes& known,
                            const ThreadState& thread, CodeObjectCache& codes, std::size_t max_frames);

}  // namespace gmr::symbolize::python
