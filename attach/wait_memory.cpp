#include "attach/wait_memory.hpp"

#include <poll.h>
#include <sys/syscall.h>

#include <algorithm>
#include <cstring>
#include <string>


namespace gmr::attach {
namespace {

constexpr std::size_t scanned_stack_bytes = 1024;  // above SP, for pointed_word_requests
constexpr std::size_t max_pointed_words = 64;

bool in_futex_call(const user_regs_struct& regs) { return static_cast<long>(regs.orig_rax) == SYS_futex; }

std::optional<std::uint64_t> word_at(const MemoryCopy& copy, std::uint64_t address) {
  if (!copy.contains(address, 8)) return std::nullopt;
  std::uint64_t value = 0;
  std::memcpy(&value, copy.bytes.data() + (address - copy.start), sizeof value);
  return value;
}

const Mapping* writable_mapping_of(const Maps& maps, std::uint64_t address) {
  const Mapping* m = maps.find(address);
  return m != nullptr && m->writable() && address + futex_words_size <= m->end ? m : nullptr;
}

void add_pointed(const Maps& maps, std::uint64_t value, std::vector<std::uint64_t>& seen,
                 std::vector<RangeRequest>& requests) {
  if (value % 4 != 0) return;
  const Mapping* m = writable_mapping_of(maps, value);
  if (m == nullptr || std::find(seen.begin(), seen.end(), value) != seen.end()) return;
  seen.push_back(value);
  if (value - m->start >= pointed_words_before)
    requests.push_back({value - pointed_words_before, pointed_words_before + futex_words_size});
  else
    requests.push_back({value, futex_words_size});
}

}  // namespace

std::optional<RangeRequest> syscall_memory_request(const user_regs_struct& regs) {
  const long number = static_cast<long>(regs.orig_rax);
  if (number == SYS_futex) return RangeRequest{regs.rdi, futex_words_size};
  if (number == SYS_poll || number == SYS_ppoll) {
    const std::size_t count = std::min<std::uint64_t>(regs.rsi, max_pollfds);
    if (count == 0) return std::nullopt;
    return RangeRequest{regs.rdi, count * sizeof(pollfd)};
  }
  return std::nullopt;
}

bool may_need_pointed_words(const user_regs_struct& regs) {
  return in_futex_call(regs) && static_cast<std::uint32_t>(regs.rdx) == 0 && regs.rdi >= regs.rsp;
}

std::vector<RangeRequest> pointed_word_requests(const ThreadSnapshot& thread, const Maps& maps) {
  std::vector<RangeRequest> requests;
  if (!thread.registers || !thread.stack || !may_need_pointed_words(*thread.registers)) return requests;
  const user_regs_struct& regs = *thread.registers;
  if (!thread.stack->contains(regs.rdi, 4)) return requests;
  std::vector<std::uint64_t> seen;
  // The mutex pointer may still sit in a callee-saved register of pthread_mutex_lock, or be spilled above SP.
  for (std::uint64_t value : {regs.rbx, regs.rbp, regs.r12, regs.r13, regs.r14, regs.r15})
    add_pointed(maps, value, seen, requests);
  const std::uint64_t end = std::min<std::uint64_t>(thread.stack->end(), (regs.rsp & ~7ULL) + scanned_stack_bytes);
  for (std::uint64_t at = regs.rsp & ~7ULL; at + 8 <= end && seen.size() < max_pointed_words + 6; at += 8) {
    if (auto value = word_at(*thread.stack, at)) add_pointed(maps, *value, seen, requests);
  }
  return requests;
}

bool takes_fd_argument(long number) {
  switch (number) {
    case SYS_read: case SYS_write: case SYS_pread64: case SYS_pwrite64: case SYS_readv: case SYS_writev:
    case SYS_preadv: case SYS_pwritev: case SYS_connect: case SYS_accept: case SYS_accept4:
    case SYS_sendto: case SYS_recvfrom: case SYS_sendmsg: case SYS_recvmsg: case SYS_sendmmsg:
    case SYS_recvmmsg: case SYS_epoll_wait: case SYS_epoll_pwait: case SYS_epoll_pwait2: case SYS_flock:
    case SYS_fsync: case SYS_fdatasync: case SYS_ioctl:
      return true;
    default:
      return false;
  }
}

std::vector<int> pollfd_fds(const MemoryCopy& copy) {
  std::vector<int> fds;
  for (std::size_t at = 0; at + sizeof(pollfd) <= copy.bytes.size(); at += sizeof(pollfd)) {
    pollfd entry;
    std::memcpy(&entry, copy.bytes.data() + at, sizeof entry);
    if (entry.fd >= 0) fds.push_back(entry.fd);
  }
  return fds;
}

std::vector<int> waited_fds(const Snapshot& snapshot) {
  std::vector<int> fds;
  for (const auto& thread : snapshot.threads) {
    if (!thread.registers) continue;
    const long number = static_cast<long>(thread.registers->orig_rax);
    if (takes_fd_argument(number)) fds.push_back(static_cast<int>(thread.registers->rdi));
    if ((number == SYS_poll || number == SYS_ppoll) && thread.syscall_memory)
      for (int fd : pollfd_fds(*thread.syscall_memory)) fds.push_back(fd);
  }
  std::ranges::sort(fds);
  fds.erase(std::unique(fds.begin(), fds.end()), fds.end());
  std::erase_if(fds, [](int fd) { return fd < 0; });
  return fds;
}

std::vector<FdTarget> read_fd_targets(ProcessConnection& process, std::span<const int> fds) {
  std::vector<FdTarget> targets;
  targets.reserve(fds.size());
  for (int fd : fds) targets.push_back({fd, process.fd_target(fd)});
  return targets;
}

}  // namespace gmr::attach
