// classify_wait on hand-made snapshots: each claim needs every piece of evidence (futex op and value, the
// glibc frame, the words read while frozen, an owner that is a thread); without one, the thread is shown
// as the plain futex or syscall wait it is.
#include <doctest/doctest.h>

#include <linux/futex.h>
#include <sys/syscall.h>

#include <cstring>

#include "report/build/lock_analysis.hpp"

namespace {

using namespace gmr;
using Kind = report::Wait::Kind;

constexpr std::uint64_t mutex_address = 0x555500001000;
constexpr pid_t waiter_tid = 101;
constexpr pid_t owner_tid = 102;

attach::MemoryCopy words(std::uint64_t start, std::vector<std::uint32_t> values) {
  attach::MemoryCopy copy;
  copy.start = start;
  copy.bytes.resize(values.size() * 4);
  if (!values.empty()) std::memcpy(copy.bytes.data(), values.data(), copy.bytes.size());  // memcpy(nullptr, …, 0) is UB
  return copy;
}

attach::ThreadSnapshot frozen(pid_t tid) {
  attach::ThreadSnapshot t;
  t.facts.tid = tid;
  t.freeze = attach::FreezeState::frozen;
  t.registers = user_regs_struct{};
  t.registers->orig_rax = static_cast<unsigned long long>(-1);
  return t;
}

// Blocked in futex(uaddr, op, val), interrupted by the stop (rax = -ERESTARTSYS).
attach::ThreadSnapshot in_futex(std::uint64_t uaddr, unsigned op, std::uint32_t val, std::vector<std::uint32_t> at_uaddr) {
  auto t = frozen(waiter_tid);
  t.registers->orig_rax = SYS_futex;
  t.registers->rax = static_cast<unsigned long long>(-512);
  t.registers->rdi = uaddr;
  t.registers->rsi = op;
  t.registers->rdx = val;
  t.syscall_memory = words(uaddr, std::move(at_uaddr));
  return t;
}

report::Thread frames(std::vector<std::string> functions) {
  report::Thread t;
  t.tid = waiter_tid;
  for (std::size_t i = 0; i < functions.size(); ++i) {
    report::Frame f;
    f.index = static_cast<int>(i);
    f.function = functions[i];
    t.frames.push_back(f);
  }
  return t;
}

struct World {
  attach::Snapshot snapshot;
  World() {
    snapshot.threads = {frozen(waiter_tid), frozen(owner_tid)};
  }
  std::optional<report::Wait> classify(const attach::ThreadSnapshot& thread, const report::Thread& named) {
    symbolize::AddressNamer names(nullptr, snapshot);
    return report::classify_wait(thread, named, snapshot, names);
  }
};

// __lock = 2, __count = 0, __owner = owner, __nusers = 1, __kind = 0, spins = 0
std::vector<std::uint32_t> locked_by(pid_t owner, std::uint32_t kind = 0) {
  return {2, 0, static_cast<std::uint32_t>(owner), 1, kind, 0};
}

const report::Thread mutex_frames = frames({"futex_wait", "__GI___lll_lock_wait", "___pthread_mutex_lock", "work"});

}  // namespace

TEST_SUITE("report::classify_wait") {

TEST_CASE("__lll_lock_wait with value 2 and an owner thread: waiting to lock, held by the owner") {
  World world;
  auto wait = world.classify(in_futex(mutex_address, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 2, locked_by(owner_tid)), mutex_frames);
  REQUIRE(wait.has_value());
  CHECK(wait->kind == Kind::mutex);
  CHECK(wait->thread == std::optional<pid_t>(owner_tid));
  CHECK(wait->address == std::optional<std::uint64_t>(mutex_address));
  // No mapping, no symbol: named unknown (the text shows the bare address).
  CHECK(wait->object == std::optional(symbolize::AddressName{.kind = symbolize::AddressName::Kind::unknown}));
}

TEST_CASE("the same futex wait under __lll_lock_wait_private (stdio, malloc) is a plain futex wait") {
  World world;
  auto wait = world.classify(in_futex(mutex_address, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 2, locked_by(owner_tid)),
                             frames({"__GI___lll_lock_wait_private", "_IO_fputs", "work"}));
  REQUIRE(wait.has_value());
  CHECK(wait->kind == Kind::futex);
  CHECK(!wait->thread.has_value());
}

TEST_CASE("a mutex frame but a value other than 2 is no mutex wait") {
  World world;
  auto wait = world.classify(in_futex(mutex_address, FUTEX_WAIT, 1, locked_by(owner_tid)), mutex_frames);
  REQUIRE(wait.has_value());
  CHECK(wait->kind == Kind::futex);
}

TEST_CASE("an owner tid that is no thread of this process is named, never made an edge") {
  World world;
  auto wait = world.classify(in_futex(mutex_address, FUTEX_WAIT, 2, locked_by(999)), mutex_frames);
  REQUIRE(wait.has_value());
  CHECK(wait->kind == Kind::mutex);
  CHECK(!wait->thread.has_value());
  CHECK(wait->foreign_owner == std::optional<pid_t>(999));
}

TEST_CASE("a lock word already 0 (being released) or __owner 0 leaves the owner unknown") {
  World world;
  auto released = world.classify(in_futex(mutex_address, FUTEX_WAIT, 2, {0, 0, owner_tid, 0, 0, 0}), mutex_frames);
  REQUIRE(released.has_value());
  CHECK(released->kind == Kind::mutex);
  CHECK(!released->thread.has_value());
  auto no_owner = world.classify(in_futex(mutex_address, FUTEX_WAIT, 2, {2, 0, 0, 0, 0, 0}), mutex_frames);
  REQUIRE(no_owner.has_value());
  CHECK(!no_owner->thread.has_value());
  CHECK(!no_owner->foreign_owner.has_value());
}

TEST_CASE("without the words read while frozen, no mutex is claimed") {
  World world;
  auto thread = in_futex(mutex_address, FUTEX_WAIT, 2, {});
  thread.syscall_memory.reset();
  auto wait = world.classify(thread, mutex_frames);
  REQUIRE(wait.has_value());
  CHECK(wait->kind == Kind::futex);
}

TEST_CASE("FUTEX_LOCK_PI: the owner is the tid in the lock word") {
  World world;
  const std::uint32_t lock_word = static_cast<std::uint32_t>(owner_tid) | FUTEX_WAITERS;
  auto wait = world.classify(in_futex(mutex_address, FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG, 0, {lock_word, 0, owner_tid, 1, 32, 0}),
                             frames({"__futex_lock_pi64", "__pthread_mutex_lock_full", "work"}));
  REQUIRE(wait.has_value());
  CHECK(wait->kind == Kind::mutex);
  CHECK(wait->priority_inheritance);
  CHECK(wait->thread == std::optional<pid_t>(owner_tid));
}

TEST_CASE("pthread_join: value = the tid word = a thread of this process") {
  World world;
  const report::Thread join_frames = frames({"__futex_abstimed_wait_common", "__pthread_clockjoin_ex", "work"});
  auto wait = world.classify(in_futex(0x7f0000001000, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, owner_tid, {owner_tid}), join_frames);
  REQUIRE(wait.has_value());
  CHECK(wait->kind == Kind::join);
  CHECK(wait->thread == std::optional<pid_t>(owner_tid));
  // A tid that is no thread here is no join edge.
  auto stale = world.classify(in_futex(0x7f0000001000, FUTEX_WAIT_BITSET, 999, {999}), join_frames);
  REQUIRE(stale.has_value());
  CHECK(stale->kind == Kind::futex);
}

TEST_CASE("pthread_cond_wait: the condition starts 40 bytes below __g_signals[0], 44 below [1]") {
  World world;
  const report::Thread cond_frames = frames({"__futex_abstimed_wait_common", "___pthread_cond_wait", "work"});
  for (std::uint64_t offset : {40, 44}) {
    auto wait = world.classify(in_futex(0x555500002000 + offset, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, {0}), cond_frames);
    REQUIRE(wait.has_value());
    CHECK(wait->kind == Kind::condition);
    CHECK(wait->address == std::optional<std::uint64_t>(0x555500002000));
  }
}

TEST_CASE("a thread stopped on its way out of a syscall, or running, is not blocked") {
  World world;
  auto leaving = in_futex(mutex_address, FUTEX_WAIT, 2, locked_by(owner_tid));
  leaving.registers->rax = 0;
  CHECK(!world.classify(leaving, mutex_frames).has_value());
  CHECK(!world.classify(frozen(waiter_tid), mutex_frames).has_value());
  auto not_frozen = in_futex(mutex_address, FUTEX_WAIT, 2, locked_by(owner_tid));
  not_frozen.freeze = attach::FreezeState::not_frozen;
  CHECK(!world.classify(not_frozen, mutex_frames).has_value());
}

TEST_CASE("another blocking syscall names its fd's target, or says it could not") {
  World world;
  world.snapshot.fd_targets = {{7, "socket:[1234]"}, {8, std::nullopt}};
  auto reader = frozen(waiter_tid);
  reader.registers->orig_rax = SYS_read;
  reader.registers->rax = static_cast<unsigned long long>(-512);
  reader.registers->rdi = 7;
  auto wait = world.classify(reader, frames({"read"}));
  REQUIRE(wait.has_value());
  CHECK(wait->kind == Kind::syscall);
  CHECK(wait->syscall == "read");
  REQUIRE(wait->fds.size() == 1);
  CHECK(wait->fds[0].fd == 7);
  CHECK(wait->fds[0].target == std::optional<std::string>("socket:[1234]"));
  reader.registers->rdi = 8;
  wait = world.classify(reader, frames({"read"}));
  REQUIRE(wait.has_value());
  REQUIRE(wait->fds.size() == 1);
  CHECK(!wait->fds[0].target.has_value());
}

}  // TEST_SUITE
