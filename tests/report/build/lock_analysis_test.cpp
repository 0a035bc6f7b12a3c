// The wait-for graph's cycles, from hand-made threads: every cycle once, from its lowest tid; chains that
// lead into a cycle are not part of it; condition, futex and syscall waits are no edges, except a Python
// thread's wait for an RLock, whose owner CPython records.
#include <doctest/doctest.h>

#include "report/build/lock_analysis.hpp"

namespace {

using namespace gmr;
using Kind = report::Wait::Kind;

report::Thread waiting(pid_t tid, Kind kind, std::optional<pid_t> on) {
  report::Thread t;
  t.tid = tid;
  report::Wait wait;
  wait.kind = kind;
  wait.thread = on;
  t.wait = wait;
  return t;
}

/// A Python thread blocked acquiring a threading lock (a futex wait with its Python side).
report::Thread acquiring(pid_t tid, report::PythonLock::Kind kind, std::optional<pid_t> owner) {
  report::Thread t = waiting(tid, Kind::futex, std::nullopt);
  report::PythonLock lock;
  lock.kind = kind;
  lock.owner = owner;
  t.wait->python_lock = lock;
  return t;
}

report::Thread idle(pid_t tid) {
  report::Thread t;
  t.tid = tid;
  return t;
}

std::vector<std::vector<pid_t>> cycles(const std::vector<report::Thread>& threads) {
  std::vector<std::vector<pid_t>> out;
  for (const auto& d : report::find_deadlocks(threads)) out.push_back(d.threads);
  return out;
}

}  // namespace

TEST_SUITE("report::locks") {

TEST_CASE("no edges, no cycles") {
  CHECK(cycles({}).empty());
  CHECK(cycles({idle(1), idle(2)}).empty());
}

TEST_CASE("a chain that ends at a running thread is no deadlock") {
  CHECK(cycles({waiting(1, Kind::mutex, 2), waiting(2, Kind::mutex, 3), idle(3)}).empty());
  CHECK(cycles({waiting(1, Kind::mutex, std::nullopt), waiting(2, Kind::join, 1)}).empty());
}

TEST_CASE("a two-thread cycle is reported once, from its lowest tid") {
  CHECK(cycles({waiting(7, Kind::mutex, 3), waiting(3, Kind::mutex, 7)}) == std::vector<std::vector<pid_t>>{{3, 7}});
}

TEST_CASE("a join edge closes a cycle like a mutex edge") {
  CHECK(cycles({waiting(5, Kind::join, 6), waiting(6, Kind::mutex, 5)}) == std::vector<std::vector<pid_t>>{{5, 6}});
}

TEST_CASE("threads waiting into a cycle are not part of it") {
  const auto found = cycles({waiting(1, Kind::mutex, 4), waiting(2, Kind::mutex, 1), waiting(4, Kind::mutex, 9),
                             waiting(9, Kind::mutex, 8), waiting(8, Kind::mutex, 4)});
  CHECK(found == std::vector<std::vector<pid_t>>{{4, 9, 8}});
}

TEST_CASE("a thread waiting for a mutex it holds itself is a cycle of one") {
  CHECK(cycles({waiting(3, Kind::mutex, 3)}) == std::vector<std::vector<pid_t>>{{3}});
}

TEST_CASE("two independent cycles, sorted by lowest tid") {
  const auto found = cycles({waiting(20, Kind::mutex, 21), waiting(21, Kind::mutex, 20), waiting(12, Kind::mutex, 11),
                             waiting(11, Kind::mutex, 10), waiting(10, Kind::mutex, 12)});
  CHECK(found == std::vector<std::vector<pid_t>>{{10, 12, 11}, {20, 21}});
}

TEST_CASE("condition, futex and syscall waits are no edges") {
  CHECK(cycles({waiting(1, Kind::condition, 2), waiting(2, Kind::futex, 1)}).empty());
  CHECK(cycles({waiting(1, Kind::syscall, 2), waiting(2, Kind::mutex, 1)}).empty());
}

TEST_CASE("a Python thread acquiring an RLock waits for its owner, a Lock records none so it is no edge") {
  using Lock = report::PythonLock::Kind;
  CHECK(cycles({acquiring(4, Lock::rlock, 5), acquiring(5, Lock::rlock, 4)}) == std::vector<std::vector<pid_t>>{{4, 5}});
  CHECK(cycles({acquiring(9, Lock::rlock, 5), waiting(5, Kind::mutex, 9)}) == std::vector<std::vector<pid_t>>{{5, 9}});
  CHECK(cycles({acquiring(4, Lock::rlock, 5), acquiring(5, Lock::lock, std::nullopt)}).empty());
  CHECK(cycles({acquiring(4, Lock::rlock, std::nullopt), acquiring(5, Lock::rlock, 4)}).empty());
}

}  // TEST_SUITE
