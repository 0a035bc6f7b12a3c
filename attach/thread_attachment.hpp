// One seized thread, owned: the only way attach/ holds a thread. Its destructor lets the thread go, so no
// early return or exception can leave a thread of the target stopped.
#pragma once

#include <sys/types.h>

#include <optional>

#include "attach/kernel.hpp"
#include "attach/snapshot.hpp"

namespace gmr::attach {

class ThreadAttachment {
 public:
  ThreadAttachment(Kernel& kernel, pid_t tid) : kernel_(&kernel), tid_(tid) {}
  ThreadAttachment(ThreadAttachment&& other) noexcept;
  ThreadAttachment& operator=(ThreadAttachment&&) = delete;
  ThreadAttachment(const ThreadAttachment&) = delete;
  ThreadAttachment& operator=(const ThreadAttachment&) = delete;
  ~ThreadAttachment() { release(); }

  pid_t tid() const { return tid_; }
  bool stopped() const { return stop_kind_.has_value() && !released_; }
  bool exited() const { return exited_; }
  std::optional<StopKind> stop_kind() const { return stop_kind_; }
  std::optional<int> pending_signal() const { return pending_signal_; }

  /// The thread reported a ptrace stop. `signal` is a raced signal to hand back on release.
  void mark_stopped(StopKind kind, std::optional<int> signal = std::nullopt);
  /// The thread is gone (wait reported exit): nothing left to release.
  void mark_exited() { exited_ = true; }

  /// PTRACE_DETACH with the raced signal, if the thread is in a stop; idempotent. A thread that never
  /// stopped cannot be detached (ESRCH); the kernel releases it, and cancels the pending interrupt, when
  /// the tracer thread exits (exit_ptrace → ptrace_unlink clears JOBCTL_TRAP_MASK).
  void release();

 private:
  Kernel* kernel_;
  pid_t tid_;
  std::optional<StopKind> stop_kind_;
  std::optional<int> pending_signal_;
  bool exited_ = false;
  bool released_ = false;
};

}  // namespace gmr::attach
