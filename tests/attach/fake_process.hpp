// A scripted ProcessConnection for unit tests of capture(): the test says what /proc shows (threads,
// their facts, maps), what memory holds, and — through a FakeKernel — what each ptrace request answers.
// The only fake of the target process in the suite; everything else dumps real processes.
#pragma once

#include <sys/uio.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attach/process_connection.hpp"
#include "fake_kernel.hpp"

namespace gmr::test {

/// Memory as a set of readable regions. read_ranges() behaves like process_vm_readv: ranges in order,
/// stopping at the first byte no region holds. Counts calls, and whether any came after a detach.
class FakeMemory final : public attach::ProcessMemory {
 public:
  explicit FakeMemory(const FakeKernel& kernel) : kernel_(kernel) {}

  /// Readable bytes at [start, start + bytes.size()); regions must not overlap.
  std::map<std::uint64_t, std::vector<std::byte>> regions;
  // Atomic: copy_ranges_in_one_buffer reads a large batch from two threads.
  mutable std::atomic<std::size_t> calls = 0;
  mutable std::atomic<std::size_t> calls_after_detach = 0;

  /// `size` readable bytes at `start`, each the low byte of its address (so copies can be checked).
  void add_region(std::uint64_t start, std::size_t size) {
    std::vector<std::byte> bytes(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::byte>((start + i) & 0xff);
    regions[start] = std::move(bytes);
  }

  std::expected<std::size_t, int> read_ranges(std::span<const iovec> local,
                                              std::span<const iovec> remote) const override {
    ++calls;
    if (!kernel_.detached.empty()) ++calls_after_detach;
    std::size_t total = 0;
    for (std::size_t i = 0; i < remote.size(); ++i) {
      const auto address = reinterpret_cast<std::uint64_t>(remote[i].iov_base);
      const std::size_t got = readable(address, remote[i].iov_len);
      if (got > 0) std::memcpy(local[i].iov_base, byte_at(address), got);
      total += got;
      if (got < remote[i].iov_len) break;
    }
    if (total == 0 && !remote.empty() && remote[0].iov_len > 0) return std::unexpected(EFAULT);
    return total;
  }

 private:
  /// How many bytes from `address` on (at most `size`) one region holds.
  std::size_t readable(std::uint64_t address, std::size_t size) const {
    auto it = regions.upper_bound(address);
    if (it == regions.begin()) return 0;
    --it;
    const std::uint64_t end = it->first + it->second.size();
    if (address >= end) return 0;
    return static_cast<std::size_t>(std::min<std::uint64_t>(size, end - address));
  }
  const std::byte* byte_at(std::uint64_t address) const {
    auto it = regions.upper_bound(address);
    if (it == regions.begin()) return nullptr;
    --it;
    return it->second.data() + (address - it->first);
  }

  const FakeKernel& kernel_;
};

/// Hands capture() a Kernel that forwards to the test's FakeKernel, which outlives it.
class BorrowedKernel final : public attach::Kernel {
 public:
  explicit BorrowedKernel(attach::Kernel& kernel) : kernel_(kernel) {}
  std::vector<pid_t> list_threads(pid_t pid) override { return kernel_.list_threads(pid); }
  int seize(pid_t tid) override { return kernel_.seize(tid); }
  int interrupt(pid_t tid) override { return kernel_.interrupt(tid); }
  int detach(pid_t tid, int signal) override { return kernel_.detach(tid, signal); }
  std::optional<pid_t> clone_child(pid_t tid) override { return kernel_.clone_child(tid); }
  std::optional<user_regs_struct> registers(pid_t tid) override { return kernel_.registers(tid); }
  attach::WaitResult wait_for(pid_t tid) override { return kernel_.wait_for(tid); }
  attach::WaitResult wait_any() override { return kernel_.wait_any(); }
  attach::WaitResult sleep(attach::Deadline deadline) override { return kernel_.sleep(deadline); }
  std::optional<int> termination_signal() override { return kernel_.termination_signal(); }
  attach::ThreadLiveness liveness(pid_t tid) override { return kernel_.liveness(tid); }
  pid_t tracer_id() const override { return kernel_.tracer_id(); }

 private:
  attach::Kernel& kernel_;
};

class FakeProcess final : public attach::ProcessConnection {
 public:
  explicit FakeProcess(pid_t pid) : pid_(pid) {}

  FakeKernel kernel;
  FakeMemory memory_of{kernel};
  std::vector<std::string> command_line;
  std::optional<attach::Executable> exe;
  // Successive /proc/PID/task listings (before the freeze, then for threads read after it); the last repeats.
  std::vector<std::vector<pid_t>> task_listings;
  // /proc/PID/task/TID facts; a tid not listed reads as a thread whose files are gone (only its tid).
  std::map<pid_t, attach::ThreadFacts> facts;
  std::string maps;
  // Successive /proc/PID/maps texts instead of `maps` (before the freeze, then while frozen); the last repeats.
  std::vector<std::string> maps_listings;
  std::map<int, std::string> fds;
  std::size_t kernels_opened = 0;
  std::vector<pid_t> facts_read;  // every thread_facts() call, in order

  pid_t pid() const override { return pid_; }
  std::unique_ptr<attach::Kernel> open_kernel() override {
    ++kernels_opened;
    return std::make_unique<BorrowedKernel>(kernel);
  }
  const attach::ProcessMemory& memory() const override { return memory_of; }
  std::vector<std::string> cmdline() override { return command_line; }
  std::optional<attach::Executable> executable() override { return exe; }
  bool shares_gmr_root() override { return true; }
  std::optional<uid_t> uid() override { return 1000; }
  std::vector<pid_t> thread_ids() override {
    if (task_listings.empty()) return {};
    auto list = task_listings.front();
    if (task_listings.size() > 1) task_listings.erase(task_listings.begin());
    return list;
  }
  attach::ThreadFacts thread_facts(pid_t tid) override {
    facts_read.push_back(tid);
    auto it = facts.find(tid);
    if (it != facts.end()) return it->second;
    attach::ThreadFacts gone;
    gone.tid = tid;
    return gone;
  }
  std::optional<std::string> maps_text() override {
    if (maps_listings.empty()) return maps;
    auto text = maps_listings.front();
    if (maps_listings.size() > 1) maps_listings.erase(maps_listings.begin());
    return text;
  }
  std::optional<std::string> fd_target(int fd) override {
    auto it = fds.find(fd);
    if (it == fds.end()) return std::nullopt;
    return it->second;
  }
  std::vector<attach::ProcessFacts> process_tree() override { return {}; }
  std::vector<attach::SidecarFile> sidecars(const attach::SidecarRequest&, const std::vector<std::string>&,
                                            std::size_t) override {
    return {};
  }
  std::string explain_permission_denied() override { return "permission denied (scripted)"; }

 private:
  pid_t pid_;
};

}  // namespace gmr::test
