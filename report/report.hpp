// The Report: what gmr prints, as plain data. Built by report/build/ from a Snapshot and symbolize/'s named
// frames; rendered by report/render/ (text, JSON, folded) without touching the process or libdw.
// An absent optional means "not known" and is shown as such; no "" or 0 stands in for unknown.
// The model holds kinds and values, not sentences: the renderers word them (gmr(1) lists the wording and
// the JSON names of every kind). Text read from the target or the system (names, paths, libdwfl's
// messages) is kept as it came.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "report/boxed.hpp"
#include "report/config.hpp"
#include "report/waits.hpp"
#include "symbolize/address_name.hpp"
#include "symbolize/named_frame.hpp"
#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/python_process.hpp"

namespace gmr::report {

/// What a Python frame has besides the NamedFrame fields. For a Python frame those mean: `function` its
/// qualified name (co_qualname), `file` its co_filename, `line` the line of its current instruction,
/// `source` that line's text, `pc` the address of its current instruction (in the code object's
/// bytecode); module, offsets, build-id and column are absent.
struct PythonFrameFacts {
  std::string name;                            // co_name ("" when the code object could not be read)
  std::uint64_t frame_address = 0;             // the _PyInterpreterFrame
  std::optional<std::uint64_t> code_address;   // its code object, when it could be read
  std::optional<int> first_line;               // co_firstlineno
  std::optional<int> instruction_offset;       // in 2-byte code units from the start of the bytecode
  /// false: the eval-loop activation running this frame was not found among the native frames; the
  /// frame is shown above them, in the interpreter's order.
  bool placed = true;
  std::optional<symbolize::python::DecodeError> error;  // why the code, line or offset is missing
};

/// A named frame (symbolize/named_frame.hpp) with its place in the thread's chain: a native frame, or a
/// Python frame merged in at the eval-loop activation that runs it. Kept small (a report of 10,000 threads
/// holds ~300,000 of them): the texts are shared, the Python facts boxed (tests/report/frame_size_test.cpp).
struct Frame : symbolize::NamedFrame {
  enum class Kind : std::uint8_t { native, python };
  // (The three one-byte members come first: with `index` they fill NamedFrame's tail padding.)
  Kind kind = Kind::native;
  bool jit = false;  // in an anonymous executable mapping: code generated at run time (JVM, node…), no module
  /// native, in a thread with Python frames: the interpreter's own eval and call machinery (a known
  /// function of the interpreter's module; report/build/interpreter_plumbing.hpp), left out of the
  /// default text view.
  bool interpreter_plumbing = false;
  int index = 0;  // #N, innermost first; inlined frames get their own index
  Boxed<PythonFrameFacts> python;  // set exactly for kind python
};

/// How a frozen thread was held when not by gmr's own interrupt.
struct Stop {
  enum class Kind {
    group_stop,       // the process was already stopped (SIGSTOP…): it is left stopped
    signal_delivery,  // a signal raced the freeze: it is re-delivered when the thread is let go
    core_signal,      // a core file's thread the core was dumped for: `signal` killed the process
  };
  Kind kind = Kind::group_stop;
  std::optional<int> signal = {};  // signal_delivery: the signal, when known

  bool operator==(const Stop&) const = default;
};

/// Something of one thread that could not be read or unwound. Any makes the report partial.
struct ThreadError {
  enum class Kind {
    not_frozen,                  // did not stop before the --timeout deadline: only its /proc facts
    no_registers,                // frozen, but its registers could not be read (killed while frozen?)
    stack_not_captured,          // the stack pointer `address` is in no mapping: no stack was copied
    stack_unreadable,            // copying the stack failed with `errno_value`
    unwind_unavailable,          // libdwfl cannot unwind this process (`detail`: libdwfl's message)
    unwind_stopped,              // libdwfl ended the unwind with an error (`detail`) `after` a frame
    unwind_no_pc,                // libdwfl found no pc for the frame `after` the last one (`detail`)
    unwind_memory_not_captured,  // the unwind `after` a frame needed memory at `address`, not copied
  };
  /// Where an unwind stopped: after frame #`index` (the report's numbering), whose pc is `pc`. `index` is
  /// absent when that frame is not in the report (--max-frames cut the chain before it).
  struct After {
    std::optional<int> index = {};
    std::uint64_t pc = 0;
    bool operator==(const After&) const = default;
  };

  Kind kind = Kind::not_frozen;
  std::optional<int> errno_value = {};
  std::optional<std::uint64_t> address = {};
  std::optional<After> after = {};         // unwind_*; absent: the unwind stopped before the first frame
  std::optional<std::string> detail = {};  // libdwfl's own message

  bool operator==(const ThreadError&) const = default;
};

/// Where the chain ends when that is the stack's real end although the unwinder went on past it and failed
/// there: no error, and the report is not partial for it.
struct StackEnd {
  enum class Kind {
    outermost_function,  // the last frame's `function` starts its stack (Go's runtime.goexit, runtime.mstart,
                         // runtime.mcall, runtime.morestack, runtime.rt0_go; _start, clone, clone3)
    jit_code,            // the last frame is code generated at run time (an anonymous executable mapping),
                         // which has no unwind information
  };
  Kind kind = Kind::outermost_function;
  std::optional<std::string> function = {};  // outermost_function: the symbol, without Go's ".abi0"
  std::optional<std::string> detail = {};    // what the unwinder said past the end (libdwfl's message)
  std::size_t dropped = 0;                   // what the unwinder had found past the end, not shown as frames

  bool operator==(const StackEnd&) const = default;
};

/// A thread's Python side, when it runs a CPython thread state.
struct PythonThreadFacts {
  std::optional<std::string> name;        // threading.Thread.name, when threading knows the thread
  std::uint64_t thread_id = 0;            // pthread_t: threading.get_ident()
  std::uint64_t thread_state = 0;         // its PyThreadState
  bool holds_gil = false;                 // it held the GIL at the frozen instant
  std::size_t frames = 0;                 // its Python frames, as read (before --max-frames)
  std::size_t unplaced_frames = 0;        // of them, those whose eval-loop activation was not found
  std::optional<symbolize::python::DecodeError> truncated;  // why its frames stop before the bottom
};

struct Thread {
  pid_t tid = 0;
  std::optional<std::string> name;             // comm (the OS's name); python->name is Python's
  std::optional<char> state;                   // as read before the freeze
  std::optional<std::string> state_name;       // "sleeping", "disk sleep"…
  std::optional<std::chrono::microseconds> cpu_user;
  std::optional<std::chrono::microseconds> cpu_system;
  std::optional<BlockedSyscall> syscall;       // the syscall it was blocked in, if any
  std::optional<std::string> wchan;
  bool frozen = false;
  std::optional<Stop> stop;                    // how it was held when not by gmr's interrupt
  std::vector<Frame> frames;
  bool frames_truncated = false;               // --max-frames cut the chain
  std::optional<StackEnd> stack_end;           // the chain ends where the stack does, past which libdwfl failed
  std::vector<ThreadError> errors;             // what could not be read or unwound
  std::optional<Wait> wait;                    // what it is blocked on, when it is blocked
  std::vector<HeldLock> holds;                 // mutexes it holds that others wait for, by address
  std::optional<PythonThreadFacts> python;     // it runs Python

  /// The name to show: Python's (threading.Thread.name) when known, else the OS's.
  const std::optional<std::string>& shown_name() const {
    return python && python->name ? python->name : name;
  }
};

/// Threads with identical frame chains (--group): tids ascending; the stack is that of the first.
struct ThreadGroup {
  /// A thread name (absent: unknown) and how many threads of the group have it.
  struct Name {
    std::optional<std::string> name;
    std::size_t count = 0;
    bool operator==(const Name&) const = default;
  };
  std::vector<pid_t> tids;
  std::vector<Name> names;  // each distinct name once, in the order of `tids`
};

struct Package {
  std::optional<std::string> product;     // gmr_product / gmr_vendor / gmr_version, read from the target
  std::optional<std::string> vendor;
  std::optional<std::string> version;
  std::optional<std::string> executable;  // path
  bool executable_deleted = false;
  std::optional<std::string> build_id;
  std::optional<std::string> package;      // Debian package owning the executable
  std::optional<std::string> package_version;
  /// Why dpkg's database was not asked; absent: it was, and an absent `package` means dpkg does not know
  /// the executable.
  enum class NotLookedUp {
    no_executable,       // the executable's path is not known
    executable_deleted,  // the file now under that name is not the one running
    other_root,          // another mount namespace or root directory: its files are not this machine's
  };
  std::optional<NotLookedUp> not_looked_up;
  std::string kernel_release;
};

struct Process {
  pid_t pid = 0;
  pid_t ppid = 0;
  int depth = 0;
  std::optional<uid_t> uid;
  std::optional<std::string> user;
  std::optional<char> state;
  std::optional<std::string> name;
  std::vector<std::string> cmdline;
};

/// A process-wide remark about the capture.
struct CaptureNote {
  enum class Kind {
    threads_appeared,  // `count` threads were born during the freeze: their state and CPU times were read after it
    threads_vanished,  // `count` threads listed before the freeze exited before they could be held: not shown
    threads_exited,    // `count` threads exited while the capture held the others: not shown
    thread_not_frozen, // thread `tid` did not stop within `timeout`
    no_debug_aranges,  // `module` has code without .debug_aranges: its CUs were found by their address ranges
    jit_frames,        // `count` frames are in anonymous executable mappings (JIT code): the runtime's tools name them
    python_not_read,      // the target runs a Python gmr does not read, `reason` says which and why
    python_read_failed,   // reading the interpreter while frozen failed: `reason`
    python_budget_spent,  // the `count` bytes allowed for reading the interpreter while frozen were spent
  };
  Kind kind = Kind::threads_appeared;
  std::optional<std::size_t> count = {};
  std::optional<pid_t> tid = {};
  std::optional<std::chrono::milliseconds> timeout = {};
  std::optional<std::string> module = {};
  std::optional<std::string> reason = {};

  bool operator==(const CaptureNote&) const = default;
};

struct Capture {
  pid_t pid = 0;
  std::vector<std::string> cmdline;
  std::optional<std::string> name;              // comm of the target (its main thread's name)
  std::optional<uid_t> uid;                     // real uid of the target
  std::optional<std::string> user;              // name of `uid`
  std::chrono::system_clock::time_point captured_at;
  std::size_t threads_found = 0;
  std::size_t threads_frozen = 0;
  std::chrono::nanoseconds stop_window{0};
  bool consistent = false;
  bool was_group_stopped = false;
  std::vector<CaptureNote> notes;
  // --threads: the thread ids asked for; `Report::threads` holds only those that exist. Absent: all threads.
  std::optional<std::vector<pid_t>> thread_filter;
};

/// A live greenlet of the target (the Green Threads section).
struct GreenThread {
  std::uint64_t address = 0;             // the greenlet object: Python's id()
  std::string type_name;                 // tp_name: "greenlet.greenlet", "GreenThread"…
  std::optional<pid_t> tid;              // the OS thread it belongs to, when known
  bool running = false;                  // its thread runs it now: its frames are that thread's Python frames
  bool main = false;                     // its thread's main greenlet
  std::vector<Frame> frames;             // Python frames, innermost first (indexed from 0)
  bool frames_truncated = false;         // --max-frames cut them
  std::optional<symbolize::python::DecodeError> truncated;  // why its chain stops before its bottom
};

/// What gmr read of the target's CPython interpreter.
struct PythonInfo {
  std::optional<std::uint32_t> version;   // PY_VERSION_HEX of the interpreter read; absent when not read
  std::optional<std::string> layout;      // where the struct offsets came from
  std::optional<std::string> module;      // the file holding the interpreter (python executable or libpython)
  std::optional<pid_t> gil_holder;        // the thread holding the GIL at the frozen instant
  std::size_t threads_without_tid = 0;    // thread states whose native id is no thread of the process
  std::vector<symbolize::python::DecodeError> errors;  // process-wide problems of the walk
  std::vector<GreenThread> green_threads;  // the live greenlets, by address, when they were listed
  /// Why there is no full list of greenlets (absent: they were looked for and listed, maybe none; budget:
  /// green_threads holds those found before the search's bound).
  std::optional<symbolize::python::GreenThreadsAbsent> green_threads_absent;
  std::optional<symbolize::python::DecodeError> green_threads_error;  // what stopped the search, if anything
  std::size_t gc_objects_walked = 0;  // GC-tracked objects the search visited
  // Why Python stacks are missing or incomplete (not read, read failed, budget spent): capture notes.
};

struct Report {
  std::string gmr_version;
  Capture capture;
  Package package;
  std::vector<Thread> threads;
  std::vector<Process> processes;
  std::vector<ConfigBlock> configuration;
  std::vector<CustomSection> custom_sections;
  bool secrets_shown = false;  // --show-secrets: nothing was masked
  std::string config_symbol = "gmr_config";  // the configuration symbol looked for (--config-symbol)
  std::vector<Deadlock> deadlocks;  // by lowest tid
  std::vector<ThreadGroup> groups;  // set only for --group: the Threads section then shows groups, largest first
  std::optional<PythonInfo> python;  // absent: no CPython interpreter was found (or --no-python)

  /// Partial: some thread was not frozen or not (fully) unwound.
  bool partial() const {
    for (const auto& t : threads)
      if (!t.frozen || !t.errors.empty()) return true;
    return !capture.consistent;
  }
};

}  // namespace gmr::report
