// Reading a CPython process's threads from its memory: every interpreter's thread states, each thread's
// frames split into eval-loop runs (frame_runs.hpp), Python's names for the threads (threading._active),
// the thread holding the GIL, and the main interpreter's live greenlets (greenlets.hpp).
//
// The same function runs twice per dump, over two sources of the same bytes: while the target is frozen,
// over attach's RecordingMemory (which keeps every page read), and after it is let go, over those pages
// (symbolize/snapshot_memory.hpp). Since it reads the same addresses in the same order both times, the
// second result is the first one; nothing read after the target moved on can appear in it. Bounded
// everywhere; the target's memory is untrusted input, problems are values in the result.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <vector>

#include "attach/memory_source.hpp"
#include "symbolize/python/frame_chain.hpp"
#include "symbolize/python/greenlets.hpp"
#include "symbolize/python/python_plan.hpp"
#include "symbolize/python/python_process.hpp"

namespace gmr::symbolize::python {

struct WalkOptions {
  std::size_t max_frames_per_thread = max_frames;  // shim frames included; past it the thread is truncated
  bool thread_names = true;                        // read threading._active
  /// The tids of the process's threads, sorted: a thread state whose native_thread_id is not among them
  /// gets no tid. Absent: any non-zero native_thread_id is taken.
  std::optional<std::vector<pid_t>> process_tids;
  /// The threads blocked in a futex wait and the address of the futex word each sleeps on (from their
  /// registers), sorted by tid: the only threads whose innermost frame is searched for the threading lock
  /// it is acquiring (lock_wait.hpp). Both walks must be given the same.
  struct FutexWait {
    pid_t tid = 0;
    std::uint64_t word = 0;
  };
  std::vector<FutexWait> futex_waits;
  /// Look for the main interpreter's greenlets (greenlets.hpp: a walk of every GC-tracked object); false
  /// leaves PythonProcess::green_threads absent, `not_asked`, and reads nothing for them.
  bool green_threads = true;
  GreenletSearchOptions greenlets;  // its bounds, and the threads' stack mappings
};

PythonProcess read_python_process(const attach::MemorySource& memory, const PythonTarget& target,
                                  const WalkOptions& options);

}  // namespace gmr::symbolize::python
