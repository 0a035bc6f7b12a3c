// The real ProcessConnection: ptrace through LinuxKernel, memory through process_vm_readv(2), /proc/PID.
#pragma once

#include "attach/process_connection.hpp"

namespace gmr::attach {

/// process_vm_readv(2) of one process.
class LiveMemory final : public ProcessMemory {
 public:
  explicit LiveMemory(pid_t pid) : pid_(pid) {}
  std::expected<std::size_t, int> read_ranges(std::span<const iovec> local,
                                              std::span<const iovec> remote) const override;

 private:
  pid_t pid_;
};

class LiveProcess final : public ProcessConnection {
 public:
  /// Reads nothing yet: every call reads the process as it is at that moment.
  explicit LiveProcess(pid_t pid) : pid_(pid), memory_(pid) {}

  pid_t pid() const override { return pid_; }
  std::unique_ptr<Kernel> open_kernel() override;
  const ProcessMemory& memory() const override { return memory_; }
  std::vector<std::string> cmdline() override;
  std::optional<Executable> executable() override;
  bool shares_gmr_root() override;
  std::optional<uid_t> uid() override;
  std::vector<pid_t> thread_ids() override;
  ThreadFacts thread_facts(pid_t tid) override;
  std::optional<std::string> maps_text() override;
  std::optional<std::string> fd_target(int fd) override;
  std::vector<ProcessFacts> process_tree() override;
  std::vector<SidecarFile> sidecars(const SidecarRequest& request, const std::vector<std::string>& cmdline,
                                    std::size_t max_bytes) override;
  std::string explain_permission_denied() override;

 private:
  pid_t pid_;
  LiveMemory memory_;
};

}  // namespace gmr::attach
