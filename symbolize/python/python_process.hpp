// What gmr read of a CPython process: every thread's Python frames, who holds the GIL, Python's names for
// the threads, and (when looked for) every live greenlet with its frames. The walker fills it from a
// MemorySource — while the target is frozen (through attach's recording source, to copy what it touches)
// and again offline over the Snapshot's copies, which then hold exactly those bytes. report/build merges
// it into the native stacks and renders the Green Threads section from it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/frame_chain.hpp"
#include "symbolize/python/lock_wait.hpp"

namespace gmr::symbolize::python {

/// One eval-loop activation's run of Python frames, innermost first, and where on the C stack that
/// activation keeps its marker (3.11: its _PyCFrame; 3.12/3.13: its entry shim frame): the native frame
/// whose stack range holds `c_stack_marker` is the _PyEval_EvalFrameDefault call that runs these frames.
struct FrameRun {
  std::vector<PythonFrame> frames;               // shim frames left out
  std::optional<std::uint64_t> c_stack_marker;   // absent: the marker could not be found (run not placeable)
};

struct PythonThread {
  std::uint64_t thread_state = 0;        // PyThreadState*
  std::optional<pid_t> tid;              // native_thread_id, when it is a thread of the process
  std::uint64_t thread_id = 0;           // pthread_t: threading.get_ident(), the thread's fs_base
  std::optional<std::string> name;       // threading.Thread.name, when threading knows the thread
  bool holds_gil = false;
  std::vector<FrameRun> runs;            // innermost activation first
  std::optional<DecodeError> truncated;  // why the frames stop before the bottom (a budget, a cycle…)
  /// The threading lock its innermost frame is acquiring: only for a thread in a futex wait
  /// (WalkOptions::futex_waits) whose word is that lock's.
  std::optional<PythonLockWait> lock_wait;
};

struct GreenThread {
  std::uint64_t address = 0;             // the greenlet object (Python's id())
  std::string type_name;                 // tp_name: "greenlet.greenlet", "GreenThread"…
  std::optional<pid_t> tid;              // the OS thread it belongs to, when known
  bool running = false;                  // the greenlet its thread is running now (its frames are the thread's)
  bool main = false;                     // the thread's main greenlet
  FrameChain frames;                     // suspended: its frames, innermost first; running: empty
};

/// Why the Green Threads section has no list (budget: no full list).
enum class GreenThreadsAbsent {
  not_asked,           // --no-green-threads
  no_greenlet_module,  // greenlet is not loaded in the process
  collecting,          // a garbage collection was running at the frozen instant: the lists were not walked
  budget,              // the object walk hit its bound (GC nodes or bytes): the list is partial, those found before
  unreadable,          // the GC lists could not be read (the error says why)
};

struct PythonProcess {
  std::uint32_t version = 0;                   // PY_VERSION_HEX
  std::string layout_provenance;               // where the offsets came from
  std::vector<PythonThread> threads;           // in tid order; threads without a tid last
  std::optional<pid_t> gil_holder;             // the thread holding the GIL at the frozen instant
  std::optional<std::vector<GreenThread>> green_threads;  // absent, or partial (budget): see green_threads_absent
  std::optional<GreenThreadsAbsent> green_threads_absent;
  std::optional<DecodeError> green_threads_error;
  std::size_t gc_objects_walked = 0;           // how many GC-tracked objects the greenlet search visited
  std::vector<DecodeError> errors;             // process-wide problems (an interpreter list cut short…)
};

}  // namespace gmr::symbolize::python
