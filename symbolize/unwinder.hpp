// Unwinding one thread of a SnapshotDwfl: collects raw frames only; naming happens later. Knows where a
// stack really ends when the unwinder goes on past it (stack_end.hpp).
#pragma once

#include <elfutils/libdwfl.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gmr::symbolize {

struct RawFrame {
  std::uint64_t pc = 0;
  bool is_activation = false;  // the pc is where execution is (initial or signal-interrupted frame), not a return address
  bool anonymous_code = false;  // the pc is in an anonymous executable mapping: code generated at run time (a JIT)
  /// The stack pointer in this frame (DWARF register 7): the thread's rsp for the innermost frame, the
  /// callee's CFA for each caller. The frame's own stack bytes are [sp, next frame's sp): locals of this
  /// activation (an eval loop's _PyCFrame or shim frame) lie there. Absent when libdwfl does not know it.
  std::optional<std::uint64_t> sp = std::nullopt;

  /// The address to look names up with: a return address may already belong to the next line or function.
  std::uint64_t lookup_pc() const { return is_activation ? pc : pc - 1; }
};

/// Why an unwind ended before the outermost frame, after the last of `RawUnwind::frames` (if any).
struct UnwindError {
  enum class Kind {
    libdwfl_error,        // dwfl_getthread_frames failed: `message` is libdwfl's
    no_pc,                // dwfl_frame_pc gave no pc for the next frame: `message` is libdwfl's
    memory_not_captured,  // the next frame needed memory at `address`, which no copy holds
  };
  Kind kind = Kind::libdwfl_error;
  std::optional<std::string> message = {};
  std::optional<std::uint64_t> address = {};
};

/// Where a stack ends when that is its real end although libdwfl went on past it and failed there: the
/// unwind error that would have followed is not one. Nothing beyond the last frame is a frame of this stack.
struct StackEnd {
  enum class Kind {
    outermost_function,  // the last frame's `function` starts its stack (stack_end.hpp lists them)
    jit_code,            // the last frame is in an anonymous executable mapping: code generated at run time,
                         // which has no unwind information (the runtime's own tools can walk it)
  };
  Kind kind = Kind::outermost_function;
  std::optional<std::string> function = {};  // outermost_function: as the symbol table names it, without ".abi0"
  UnwindError beyond;                        // what libdwfl said past the end
  std::size_t dropped = 0;                   // frames it had found past the end (not code, or past a stack's start)
};

struct RawUnwind {
  std::vector<RawFrame> frames;           // innermost first
  bool truncated = false;                 // stopped at `max_frames`
  std::optional<UnwindError> error;       // the unwind ended with an error rather than at the outermost frame
  std::optional<StackEnd> end;            // set instead of `error` when that error was past the stack's real end
};

class SnapshotDwfl;

/// Unwinds thread `tid` of `session`. At most `max_frames` frames are kept.
RawUnwind unwind_thread(SnapshotDwfl& session, pid_t tid, std::size_t max_frames);

}  // namespace gmr::symbolize
