// Everything attach/ asks of one live target process, behind one interface: ptrace requests (the Kernel
// it opens for the tracer thread), its memory (process_vm_readv), and what its /proc directory tells.
// LiveProcess (attach/live_process.hpp) is the real thing; tests/attach/fake_process.hpp scripts one, so
// that capture() is unit-tested against threads that vanish, short reads and mappings that go away. The
// files behind the target's mappings are reached through a FileSource (attach/file_source.hpp) instead:
// symbolize/ keeps using them after the process is let go.
//
// Contract: no call throws. What the process no longer has (a thread gone, a mapping unmapped, the process
// exited) reads as empty or absent, as /proc itself shows it.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attach/kernel.hpp"
#include "attach/process_memory.hpp"
#include "attach/sidecar.hpp"
#include "attach/snapshot.hpp"

namespace gmr::attach {

/// readlink /proc/PID/exe, with the kernel's " (deleted)" suffix stripped.
struct Executable {
  std::string path;
  bool deleted = false;
};

class ProcessConnection {
 public:
  virtual ~ProcessConnection() = default;

  virtual pid_t pid() const = 0;

  /// The ptrace requests, for the tracer thread: call this on that thread, and use and destroy the Kernel
  /// there only (every ptrace request must come from the thread that seized the tracee).
  virtual std::unique_ptr<Kernel> open_kernel() = 0;
  /// The target's memory; usable from any thread.
  virtual const ProcessMemory& memory() const = 0;

  /// /proc/PID/cmdline; empty when unreadable.
  virtual std::vector<std::string> cmdline() = 0;
  /// /proc/PID/exe.
  virtual std::optional<Executable> executable() = 0;
  /// Whether the target has gmr's root directory and mount namespace (see Snapshot::shares_gmr_root).
  virtual bool shares_gmr_root() = 0;
  /// Real uid, from /proc/PID/status.
  virtual std::optional<uid_t> uid() = 0;
  /// Thread ids in /proc/PID/task, ascending; empty when the process is gone.
  virtual std::vector<pid_t> thread_ids() = 0;
  /// /proc/PID/task/TID: name, state, CPU times, wchan, syscall — what can be read; `tid` always set.
  virtual ThreadFacts thread_facts(pid_t tid) = 0;
  /// The text of /proc/PID/maps.
  virtual std::optional<std::string> maps_text() = 0;
  /// readlink /proc/PID/fd/N; absent when the fd is closed (or the process gone).
  virtual std::optional<std::string> fd_target(int fd) = 0;
  /// The target and its descendants, depth-first (attach/proc_read.hpp read_process_tree).
  virtual std::vector<ProcessFacts> process_tree() = 0;
  /// The configuration files of the target (attach/sidecar.hpp read_sidecars).
  virtual std::vector<SidecarFile> sidecars(const SidecarRequest& request, const std::vector<std::string>& cmdline,
                                            std::size_t max_bytes) = 0;
  /// Why PTRACE_SEIZE said EPERM, in one line an operator can act on (attach/permission.hpp).
  virtual std::string explain_permission_denied() = 0;
};

}  // namespace gmr::attach
