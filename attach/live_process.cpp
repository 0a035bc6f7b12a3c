#include "attach/live_process.hpp"

#include <unistd.h>

#include <cerrno>

#include "attach/linux_kernel.hpp"
#include "attach/permission.hpp"
#include "attach/proc_parse.hpp"
#include "attach/proc_read.hpp"

namespace gmr::attach {

std::expected<std::size_t, int> LiveMemory::read_ranges(std::span<const iovec> local,
                                                        std::span<const iovec> remote) const {
  const ssize_t got = process_vm_readv(pid_, local.data(), local.size(), remote.data(), remote.size(), 0);
  if (got < 0) return std::unexpected(errno);
  return static_cast<std::size_t>(got);
}

std::unique_ptr<Kernel> LiveProcess::open_kernel() { return std::make_unique<LinuxKernel>(); }

std::vector<std::string> LiveProcess::cmdline() {
  auto text = read_file("/proc/" + std::to_string(pid_) + "/cmdline");
  return text ? parse_cmdline(*text) : std::vector<std::string>{};
}

std::optional<Executable> LiveProcess::executable() {
  bool deleted = false;
  auto path = read_executable(pid_, &deleted);
  if (!path) return std::nullopt;
  return Executable{std::move(*path), deleted};
}

bool LiveProcess::shares_gmr_root() { return shares_root_with_self(pid_); }

std::optional<uid_t> LiveProcess::uid() {
  auto text = read_file("/proc/" + std::to_string(pid_) + "/status");
  if (!text) return std::nullopt;
  const StatusFields status = parse_status(*text);
  if (!status.uids) return std::nullopt;
  return (*status.uids)[0];
}

std::vector<pid_t> LiveProcess::thread_ids() { return read_thread_ids(pid_); }

ThreadFacts LiveProcess::thread_facts(pid_t tid) { return read_thread_facts(pid_, tid); }

std::optional<std::string> LiveProcess::maps_text() { return read_file("/proc/" + std::to_string(pid_) + "/maps"); }

std::optional<std::string> LiveProcess::fd_target(int fd) {
  char buffer[4096];
  const std::string link = "/proc/" + std::to_string(pid_) + "/fd/" + std::to_string(fd);
  const ssize_t n = readlink(link.c_str(), buffer, sizeof buffer);
  if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buffer) return std::nullopt;
  return std::string(buffer, static_cast<std::size_t>(n));
}

std::vector<ProcessFacts> LiveProcess::process_tree() { return read_process_tree(pid_); }

std::vector<SidecarFile> LiveProcess::sidecars(const SidecarRequest& request, const std::vector<std::string>& cmdline,
                                               std::size_t max_bytes) {
  return read_sidecars(pid_, request, cmdline, max_bytes);
}

std::string LiveProcess::explain_permission_denied() { return explain_permission(gather_permission_facts(pid_)); }

}  // namespace gmr::attach
