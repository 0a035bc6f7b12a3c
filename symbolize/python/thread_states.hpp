// The interpreters and thread states of the target's runtime (`_PyRuntime`), each thread's innermost
// Python frame, and who holds the GIL. Every list is walked with a bound and a cycle check.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "attach/memory_source.hpp"
#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/layout.hpp"

namespace gmr::symbolize::python {

inline constexpr std::size_t max_interpreters = 256;
inline constexpr std::size_t max_threads = 65536;
inline constexpr std::size_t max_cframes = 65536;

/// Addresses of the PyInterpreterStates, from `interpreters.head` (the newest first; the main one last).
Decoded<std::vector<std::uint64_t>> interpreter_addresses(const attach::MemorySource& memory,
                                                          const PythonLayout& layout, std::uint64_t runtime);

struct ThreadState {
  std::uint64_t address = 0;
  std::uint64_t interp = 0;
  std::uint64_t thread_id = 0;         // pthread_t (the thread's fs_base on x86-64 glibc)
  std::uint64_t native_thread_id = 0;  // kernel tid; 0 before the thread recorded it
  std::uint64_t cframe = 0;            // 3.11, 3.12: tstate->cframe (the innermost activation's _PyCFrame)
  std::uint64_t top_frame = 0;         // innermost _PyInterpreterFrame, 0 when no Python code runs
  std::optional<DecodeError> top_frame_error;  // why top_frame could not be read (3.11, 3.12 cframe)
};

struct ThreadStateList {
  std::vector<ThreadState> threads;  // in `threads.head` order: the newest thread first
  std::optional<DecodeError> truncated;  // why the list stopped before its end
};

/// The thread states of the interpreter at `interp`.
ThreadStateList thread_states(const attach::MemorySource& memory, const PythonLayout& layout, std::uint64_t interp);

/// One eval-loop activation of a 3.11/3.12 thread: its _PyCFrame (on the C stack, or the thread state's
/// root_cframe) and the innermost Python frame it was running.
struct CFrameRecord {
  std::uint64_t address = 0;
  std::uint64_t current_frame = 0;
};

/// tstate->cframe, then `previous` to the root, innermost first. unsupported for 3.13 (no _PyCFrame).
Decoded<std::vector<CFrameRecord>> cframe_chain(const attach::MemorySource& memory, const PythonLayout& layout,
                                                const ThreadState& thread);

/// The thread state holding the GIL that interpreter `interp` uses, nullopt when the GIL is free.
/// 3.11 reads the runtime's GIL (`runtime`), 3.12+ the one `interp->ceval.gil` points at.
Decoded<std::optional<std::uint64_t>> gil_holder(const attach::MemorySource& memory, const PythonLayout& layout,
                                                 std::uint64_t runtime, std::uint64_t interp);

/// Where the GC's object lists of interpreter `interp` start: the PyGC_Head of each generation, then of
/// the permanent generation. An object of a list is at its node + gc.gc_head_size; `_gc_next & ~3` links.
struct GcListHeads {
  std::vector<std::uint64_t> generations;
  std::uint64_t permanent_generation = 0;
  std::uint64_t collecting = 0;  // address of the int that is non-zero while a collection runs
};
GcListHeads gc_list_heads(const PythonLayout& layout, std::uint64_t interp);

}  // namespace gmr::symbolize::python
