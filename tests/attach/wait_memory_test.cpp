// What attach/ copies for the lock analysis, decided from registers and maps alone.
#include <doctest/doctest.h>

#include <poll.h>
#include <sys/syscall.h>

#include <cstring>

#include "attach/wait_memory.hpp"

using namespace gmr::attach;

namespace {

user_regs_struct regs_in(long number, std::uint64_t rdi = 0, std::uint64_t rsi = 0, std::uint64_t rdx = 0) {
  user_regs_struct regs{};
  regs.orig_rax = static_cast<unsigned long long>(number);
  regs.rdi = rdi;
  regs.rsi = rsi;
  regs.rdx = rdx;
  return regs;
}

Mapping mapping(std::uint64_t start, std::uint64_t end, std::string perms) {
  Mapping m;
  m.start = start;
  m.end = end;
  m.perms = std::move(perms);
  return m;
}

}  // namespace

TEST_SUITE("attach::wait_memory") {

TEST_CASE("futex: the mutex words at uaddr, poll: the pollfd array, capped, others: nothing") {
  auto futex = syscall_memory_request(regs_in(SYS_futex, 0x1000, 0x80, 2));
  REQUIRE(futex.has_value());
  CHECK(futex->start == 0x1000);
  CHECK(futex->size == futex_words_size);
  auto poll = syscall_memory_request(regs_in(SYS_poll, 0x2000, 3));
  REQUIRE(poll.has_value());
  CHECK(poll->size == 3 * sizeof(pollfd));
  CHECK(syscall_memory_request(regs_in(SYS_ppoll, 0x2000, 100000))->size == max_pollfds * sizeof(pollfd));
  CHECK(!syscall_memory_request(regs_in(SYS_poll, 0x2000, 0)).has_value());
  CHECK(!syscall_memory_request(regs_in(SYS_read, 3)).has_value());
  CHECK(!syscall_memory_request(regs_in(-1)).has_value());
}

TEST_CASE("fd-taking syscalls and the fds of a pollfd array") {
  CHECK(takes_fd_argument(SYS_read));
  CHECK(takes_fd_argument(SYS_accept4));
  CHECK(takes_fd_argument(SYS_epoll_wait));
  CHECK_FALSE(takes_fd_argument(SYS_futex));
  CHECK_FALSE(takes_fd_argument(SYS_nanosleep));
  pollfd entries[3] = {{4, POLLIN, 0}, {-1, POLLIN, 0}, {9, POLLOUT, 0}};
  MemoryCopy copy;
  copy.bytes.resize(sizeof entries);
  std::memcpy(copy.bytes.data(), entries, sizeof entries);
  CHECK(pollfd_fds(copy) == std::vector<int>{4, 9});

  Snapshot snap;
  ThreadSnapshot reader, poller, sleeper;
  reader.registers = regs_in(SYS_read, 9);
  poller.registers = regs_in(SYS_poll, 0x2000, 3);
  poller.syscall_memory = copy;
  sleeper.registers = regs_in(SYS_nanosleep, 0x3000);
  snap.threads = {reader, poller, sleeper, ThreadSnapshot{}};
  CHECK(waited_fds(snap) == std::vector<int>{4, 9});
}

TEST_CASE("pointer candidates only for a futex wait with value 0 on the thread's own stack") {
  const std::vector<Mapping> maps = {mapping(0x10000, 0x20000, "rw-p"), mapping(0x7f0000000000, 0x7f0000010000, "rw-p"),
                                     mapping(0x400000, 0x401000, "r-xp")};
  ThreadSnapshot thread;
  thread.registers = regs_in(SYS_futex, 0x7f000000f100, 0x189, 0);
  thread.registers->rsp = 0x7f000000f000;
  thread.registers->rbx = 0x10100;   // writable data: a candidate
  thread.registers->r12 = 0x400100;  // code: not one
  thread.stack = MemoryCopy{0x7f000000f000, std::vector<std::byte>(0x1000)};
  const std::uint64_t on_stack[] = {0x10200, 0x10200, 0x7, 0x10008};
  std::memcpy(thread.stack->bytes.data() + 16, on_stack, sizeof on_stack);
  auto requests = pointed_word_requests(thread, maps);
  std::vector<std::uint64_t> starts;
  for (const auto& r : requests) starts.push_back(r.start);
  // Each copy starts 16 bytes below the pointer when the mapping allows it.
  CHECK(starts == std::vector<std::uint64_t>{0x10100 - pointed_words_before, 0x10200 - pointed_words_before, 0x10008});
  for (const auto& r : requests) CHECK(r.size >= futex_words_size);

  ThreadSnapshot other_value = thread;
  other_value.registers->rdx = 2;
  CHECK(pointed_word_requests(other_value, maps).empty());
  ThreadSnapshot off_stack = thread;
  off_stack.registers->rdi = 0x10100;
  CHECK(pointed_word_requests(off_stack, maps).empty());
}

}  // TEST_SUITE
