// Every live greenlet of the main interpreter, with its Python frames: the Green Threads of a report.
// There is no registry of greenlets, so they are found among the objects the garbage collector tracks
// (gc_lists.hpp): those whose type has PyGreenlet_Type in its tp_base chain (greenlet.greenlet itself,
// eventlet's GreenThread, any subclass). Each is then classified from its C++ implementation object
// (greenlet's own rules: active = `_stack_start != 0`, started = `stack_stop != 0`, main = `stack_stop ==
// -1`):
//   - never started, dead: left out;
//   - suspended: its frames are its saved Python state's `current_frame` chain, trusted only when the saved
//     `_top_frame` is a frame object (ob_type PyFrame_Type) whose f_frame is that same `current_frame`;
//   - running (its thread's ThreadState.current_greenlet): its frames are its thread's, not read here.
// The OS thread a greenlet belongs to: a user greenlet's `stack_stop` lies in its thread's stack mapping; a
// main greenlet is the `_main_greenlet` of the user greenlets of its thread, or, in a thread without user
// greenlets, the thread its saved `cframe` names (greenlet sets it to its thread's &tstate->root_cframe
// when it makes the main greenlet, and to the thread's current _PyCFrame, on its C stack, at each switch
// away from it).
//
// Offsets are greenlet 2.0.2's (Debian 12, built for CPython 3.11), checked against its headers and live
// processes. Other greenlet builds are read only while every cross-check holds (tp_basicsize of
// PyGreenlet_Type, each implementation's `_self` pointing back at its object, the frame checks above);
// when none of the greenlets found passes, the list is refused with a note rather than shown wrong.
// A walk that hits its bound still gives the greenlets among the objects it visited (a partial list, with
// the budget reason); one it cannot classify without the rest (no saved frame, its thread's main greenlet
// not reached) is left out.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "attach/memory_source.hpp"
#include "symbolize/python/frame_chain.hpp"
#include "symbolize/python/gc_lists.hpp"
#include "symbolize/python/python_plan.hpp"
#include "symbolize/python/python_process.hpp"

namespace gmr::symbolize::python {

/// Where greenlet keeps what the search reads (bytes, x86-64).
struct GreenletLayout {
  Offset object_size = 40;     // sizeof(PyGreenlet): {PyObject_HEAD, weakreflist, dict, pimpl}
  Offset pimpl = 32;           // greenlet::Greenlet*
  // greenlet::Greenlet (C++, vptr first)
  Offset stack_start = 48;     // StackState._stack_start: NULL when not active
  Offset stack_stop = 56;      // StackState.stack_stop: NULL before start, -1 in a main greenlet
  Offset top_frame = 96;       // PythonState._top_frame: PyFrameObject* while suspended
  Offset cframe = 104;         // PythonState.cframe: _PyCFrame* (&tstate->root_cframe, or on its C stack)
  Offset current_frame = 128;  // PythonState.current_frame: _PyInterpreterFrame*, innermost while suspended
  Offset self = 160;           // _self: the PyGreenlet this implements
  Offset main_greenlet = 168;  // UserGreenlet._main_greenlet: its thread's main greenlet (PyGreenlet*)
  Offset thread_state = 168;   // MainGreenlet._thread_state: greenlet's per-thread ThreadState*
  Offset implementation_size = 176;
  Offset current_greenlet = 8;  // ThreadState.current_greenlet: the greenlet running in that thread
};

/// greenlet 2.0.2 on x86-64.
GreenletLayout greenlet_2_0_layout();

/// The stack mapping of one OS thread: the mapping that holds its stack pointer at the frozen instant.
struct ThreadStackRange {
  pid_t tid = 0;
  std::uint64_t start = 0;
  std::uint64_t end = 0;
};

/// A Python thread of the process: its kernel tid and its PyThreadState.
struct ThreadStateOf {
  pid_t tid = 0;
  std::uint64_t thread_state = 0;
};

struct GreenletSearchOptions {
  GcWalkLimits limits;
  std::vector<ThreadStackRange> stacks;            // the process's threads
  std::vector<ThreadStateOf> thread_states;        // its Python threads (read_python_process fills them)
  std::size_t max_frames_per_greenlet = max_frames;
};

struct GreenletSearch {
  std::optional<std::vector<GreenThread>> green_threads;  // by address; set when the search ran to its end,
                                                          // or partial when it hit its bound (absent: budget)
  std::optional<GreenThreadsAbsent> absent;               // set when green_threads is not, or is partial
  std::optional<DecodeError> error;                       // why (budget, unreadable, unsupported), or null
  std::vector<DecodeError> left_out;                      // greenlets not shown because a cross-check failed
  std::size_t gc_objects = 0;                             // objects visited
  std::size_t bytes = 0;                                  // bytes the GC walk read
};

/// The live greenlets of the interpreter at `interp` (the main one). `target.greenlet_type` absent gives
/// absent = no_greenlet_module without reading anything.
GreenletSearch find_green_threads(const attach::MemorySource& memory, const PythonTarget& target,
                                  std::uint64_t interp, CodeObjectCache& codes, const GreenletSearchOptions& options);

}  // namespace gmr::symbolize::python
