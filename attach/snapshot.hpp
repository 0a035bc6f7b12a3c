// The Snapshot: everything gmr copied out of the target, as plain data.
//
// attach/ fills it while (and just around) the moment the target is frozen; every later stage reads only
// this value plus files on disk, never the live process. Anything that could not be read is an empty
// optional or an `error`, never a made-up stand-in value.
#pragma once

#include <sys/types.h>
#include <sys/user.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "attach/attach_error.hpp"
#include "attach/base/maps.hpp"
#include "attach/known_symbols.hpp"
#include "attach/sidecar.hpp"

namespace gmr::attach {

/// Bytes copied from the target's memory, starting at target address `start`.
struct MemoryCopy {
  std::uint64_t start = 0;
  std::vector<std::byte> bytes;

  std::uint64_t end() const { return start + bytes.size(); }
  bool contains(std::uint64_t address, std::size_t size) const {
    return address >= start && address - start <= bytes.size() && bytes.size() - (address - start) >= size;
  }
};

/// /proc/TID/syscall, read before the freeze. The kernel prints "running", "-1 SP PC" (blocked outside
/// any syscall) or "NR ARG1…ARG6 SP PC".
struct SyscallLine {
  bool running = false;
  std::optional<long> number;        // absent when running or blocked outside a syscall
  std::array<std::uint64_t, 6> args{};
  std::optional<std::uint64_t> sp;
  std::optional<std::uint64_t> pc;
};

/// Per-thread facts from /proc/PID/task/TID. Read before the freeze: once traced, every thread reads as 't'.
struct ThreadFacts {
  pid_t tid = 0;
  std::optional<std::string> name;   // comm
  std::optional<char> state;         // stat field 3: R S D T t Z X I…
  std::optional<std::chrono::microseconds> cpu_user;
  std::optional<std::chrono::microseconds> cpu_system;
  std::optional<std::string> wchan;  // absent when the kernel says "0" or hides it
  std::optional<SyscallLine> syscall;
};

enum class FreezeState {
  frozen,      // in a ptrace stop; registers and stack copied
  not_frozen,  // did not stop before the deadline (e.g. uninterruptible sleep); only /proc facts
  exited,      // went away during the freeze
};

/// How a frozen thread was stopped. Decides how it is let go.
enum class StopKind {
  interrupt,        // PTRACE_EVENT_STOP with SIGTRAP: stopped by gmr
  group_stop,       // PTRACE_EVENT_STOP with a stop signal: the process was already stopped (stays stopped)
  signal_delivery,  // a real signal won the race: it is handed back on detach, never swallowed
  clone_event,      // stopped reporting PTRACE_EVENT_CLONE
  core_signal,      // not a live stop: in a core file, the thread the core was dumped for (pending_signal:
                    // the signal that killed the process)
};

struct ThreadSnapshot {
  ThreadFacts facts;
  bool facts_before_freeze = true;  // false for threads born during the freeze (facts read afterwards)
  FreezeState freeze = FreezeState::not_frozen;
  std::optional<StopKind> stop_kind;
  std::optional<int> pending_signal;           // with signal_delivery: the signal re-delivered on detach
  std::optional<user_regs_struct> registers;   // PTRACE_GETREGSET NT_PRSTATUS
  std::optional<MemoryCopy> stack;             // SP - red zone … end of SP's mapping, capped
  bool stack_truncated = false;                // the cap cut the copy short of the mapping's end
  // When SP is on an alternate signal stack (a handler running with SA_ONSTACK): the thread's own stack
  // below the signal frame, from the SP the kernel saved in its ucontext (attach/signal_stack.hpp), copied
  // in a second batch while still frozen and capped like `stack`. Absent otherwise or when unreadable.
  std::optional<MemoryCopy> interrupted_stack;
  // For the lock analysis (attach/wait_memory.hpp), copied while frozen with the stacks: the memory a
  // blocked syscall's pointer argument points at (futex: the words at uaddr; poll/ppoll: the pollfd array),
  // and for glibc's endless wait after a PI mutex's EDEADLK, the words at each pointer found just above SP.
  std::optional<MemoryCopy> syscall_memory;
  std::vector<MemoryCopy> pointed_words;
  std::optional<ThreadCopyError> error;        // why registers or stack are missing
};

/// Where a file descriptor a blocked thread waits on points: readlink of /proc/PID/fd/N ("pipe:[123]").
struct FdTarget {
  int fd = 0;
  std::optional<std::string> target;  // absent when the link could not be read (closed since)
};

/// One process of the Processes section: the target first, then its descendants depth-first.
struct ProcessFacts {
  pid_t pid = 0;
  pid_t ppid = 0;
  int depth = 0;  // 0 for the target, 1 for its children…
  std::optional<uid_t> uid;
  std::optional<char> state;
  std::optional<std::string> name;  // comm
  std::vector<std::string> cmdline;
};

/// What the frozen-time step (CaptureOptions::while_frozen) cost and copied.
struct FrozenReadStats {
  std::chrono::nanoseconds duration{0};  // the step, inside the stop window
  std::chrono::nanoseconds cpu{0};       // the tracer thread's CPU time during it (less than duration when
                                         // the machine made it wait)
  std::size_t pages = 0;                 // 4 KiB pages fetched (all of Snapshot::interpreter_memory)
  std::size_t read_calls = 0;            // process_vm_readv calls
  std::size_t unreadable_pages = 0;      // pages the step asked for that the target did not have
  std::size_t budget = 0;                // the most bytes it was allowed to fetch
  bool budget_hit = false;               // a page was not fetched because the budget was spent
  std::optional<std::string> error;      // the step failed (threw): what it said
};

struct Snapshot {
  pid_t pid = 0;
  std::vector<std::string> cmdline;
  std::optional<std::string> exe_path;  // readlink /proc/PID/exe, " (deleted)" stripped
  bool exe_deleted = false;
  std::optional<uid_t> uid;             // real uid of the target
  std::string kernel_release;           // uname -r of the machine gmr ran on
  // The target sees the file system as gmr does (same root directory, same mount namespace): a path from
  // its maps or its executable link names the same file for gmr. False for a containerised or chrooted
  // target, whose paths must only be opened inside /proc/PID/root.
  bool shares_gmr_root = false;

  std::chrono::system_clock::time_point captured_at;
  // From the first PTRACE_INTERRUPT sent to the last thread let go: an upper bound of how long any
  // thread of the target was held.
  std::chrono::nanoseconds stop_window{0};
  bool was_group_stopped = false;       // already stopped (SIGSTOP) before gmr came: left stopped
  std::chrono::milliseconds freeze_timeout{0};  // how long threads were given to stop (--timeout)
  std::size_t threads_vanished = 0;     // listed before the freeze but gone before they could be held: not in `threads`

  std::vector<ThreadSnapshot> threads;  // sorted by tid, leader first
  Maps maps;                            // read while frozen
  std::optional<MemoryCopy> vdso;       // the [vdso] image, copied while frozen
  std::vector<ProcessFacts> processes;
  std::vector<FdTarget> fd_targets;     // the fds blocked threads wait on, sorted by fd; read after the freeze
  // False when where the fds pointed was never read (a core gmr did not write): a waited fd missing from
  // fd_targets is then unknown, not closed since.
  bool fd_targets_read = true;
  std::vector<SymbolValue> symbols;     // known symbols' values, read while frozen
  std::vector<SidecarFile> sidecars;    // configuration files, read after the target was let go
  // The pages the frozen-time step read (CaptureOptions::while_frozen): sorted runs of adjacent 4 KiB
  // pages, as they were at the frozen instant. An interpreter's stacks are read again from these.
  std::vector<MemoryCopy> interpreter_memory;
  std::optional<FrozenReadStats> frozen_step;  // absent when no step was given

  std::size_t frozen_count() const {
    std::size_t n = 0;
    for (const auto& t : threads) n += t.freeze == FreezeState::frozen;
    return n;
  }
  /// One instant of the whole process: every live thread was held at the same time.
  bool consistent() const {
    for (const auto& t : threads)
      if (t.freeze == FreezeState::not_frozen) return false;
    return !threads.empty();
  }
};

}  // namespace gmr::attach
