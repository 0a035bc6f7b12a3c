// The real Kernel: ptrace, /proc, and a signalfd that wakes the tracer on SIGCHLD (tracee state changes)
// and on SIGINT/SIGTERM/SIGHUP sent to gmr.
//
// Contract: construct, use and destroy it on the tracer thread, with SIGCHLD, SIGINT, SIGTERM and SIGHUP
// blocked in every thread of gmr (capture() arranges that), so they stay pending for the signalfd.
#pragma once

#include "attach/kernel.hpp"
#include "attach/unique_fd.hpp"

namespace gmr::attach {

class LinuxKernel final : public Kernel {
 public:
  LinuxKernel();

  std::vector<pid_t> list_threads(pid_t pid) override;
  int seize(pid_t tid) override;
  int interrupt(pid_t tid) override;
  int detach(pid_t tid, int signal) override;
  std::optional<pid_t> clone_child(pid_t tid) override;
  std::optional<user_regs_struct> registers(pid_t tid) override;
  WaitResult wait(Deadline deadline) override;
  ThreadLiveness liveness(pid_t tid) override;
  pid_t tracer_id() const override { return tracer_tid_; }

 private:
  UniqueFd signals_;
  pid_t tracer_tid_;
};

}  // namespace gmr::attach
