#include <doctest/doctest.h>

#include <cerrno>
#include <csignal>

#include "report/build/thread_facts.hpp"

namespace {

using namespace gmr;
using report::thread_facts;

attach::ThreadSnapshot blocked_in_futex(attach::FreezeState freeze) {
  attach::ThreadSnapshot thread;
  thread.facts.tid = 4242;
  thread.facts.name = "worker";
  thread.facts.state = 'S';
  thread.facts.cpu_user = std::chrono::microseconds(1500);
  thread.facts.cpu_system = std::chrono::microseconds(250);
  thread.facts.wchan = "futex_wait_queue";
  attach::SyscallLine line;
  line.number = 202;
  line.args = {0x1000, 0x80, 2, 0, 0, 0};
  line.sp = 0x7ffd0000;
  line.pc = 0x7f0000001234;
  thread.facts.syscall = line;
  thread.freeze = freeze;
  return thread;
}

}  // namespace

TEST_SUITE("report::thread_facts") {

TEST_CASE("a frozen thread's facts are copied, its blocked syscall named") {
  const report::Thread out = thread_facts(blocked_in_futex(attach::FreezeState::frozen));
  CHECK(out.tid == 4242);
  CHECK(out.name == std::optional<std::string>("worker"));
  CHECK(out.state == std::optional<char>('S'));
  CHECK(out.state_name == std::optional<std::string>("sleeping"));
  CHECK(out.cpu_user == std::optional(std::chrono::microseconds(1500)));
  CHECK(out.cpu_system == std::optional(std::chrono::microseconds(250)));
  CHECK(out.wchan == std::optional<std::string>("futex_wait_queue"));
  REQUIRE(out.syscall.has_value());
  CHECK(out.syscall->number == 202);
  CHECK(out.syscall->name == std::optional<std::string>("futex"));
  CHECK(out.syscall->args == std::vector<std::uint64_t>{0x1000, 0x80, 2, 0, 0, 0});
  CHECK(out.frozen);
  CHECK_FALSE(out.stop.has_value());
  CHECK(out.errors.empty());
  CHECK(out.frames.empty());
}

TEST_CASE("a thread that did not stop says so and keeps its /proc syscall facts") {
  const report::Thread out = thread_facts(blocked_in_futex(attach::FreezeState::not_frozen));
  CHECK_FALSE(out.frozen);
  CHECK(out.errors == std::vector<report::ThreadError>{{.kind = report::ThreadError::Kind::not_frozen}});
  REQUIRE(out.syscall.has_value());
  CHECK(out.syscall->name == std::optional<std::string>("futex"));
}

TEST_CASE("a thread running or blocked outside a syscall has no syscall") {
  attach::ThreadSnapshot thread = blocked_in_futex(attach::FreezeState::frozen);
  attach::SyscallLine running;
  running.running = true;
  thread.facts.syscall = running;
  CHECK_FALSE(thread_facts(thread).syscall.has_value());
  thread.facts.syscall = attach::SyscallLine{};  // "-1 SP PC"
  CHECK_FALSE(thread_facts(thread).syscall.has_value());
}

TEST_CASE("how a thread was held is told when it was not a plain interrupt") {
  attach::ThreadSnapshot thread = blocked_in_futex(attach::FreezeState::frozen);
  thread.stop_kind = attach::StopKind::interrupt;
  CHECK_FALSE(thread_facts(thread).stop.has_value());

  thread.stop_kind = attach::StopKind::group_stop;
  CHECK(thread_facts(thread).stop == std::optional(report::Stop{report::Stop::Kind::group_stop}));

  thread.stop_kind = attach::StopKind::signal_delivery;
  thread.pending_signal = SIGUSR1;
  CHECK(thread_facts(thread).stop == std::optional(report::Stop{report::Stop::Kind::signal_delivery, SIGUSR1}));
  thread.pending_signal.reset();
  CHECK(thread_facts(thread).stop == std::optional(report::Stop{report::Stop::Kind::signal_delivery}));
}

TEST_CASE("attach's error for a thread becomes one of its errors, kind and values kept") {
  using From = attach::ThreadCopyError;
  using To = report::ThreadError;
  attach::ThreadSnapshot thread = blocked_in_futex(attach::FreezeState::frozen);
  thread.error = From{From::Kind::no_registers};
  CHECK(thread_facts(thread).errors == std::vector<To>{{.kind = To::Kind::no_registers}});
  thread.error = From{From::Kind::stack_not_captured, std::nullopt, 0x7ffc1000};
  CHECK(thread_facts(thread).errors == std::vector<To>{{.kind = To::Kind::stack_not_captured, .address = 0x7ffc1000}});
  thread.error = From{From::Kind::stack_unreadable, EFAULT};
  CHECK(thread_facts(thread).errors == std::vector<To>{{.kind = To::Kind::stack_unreadable, .errno_value = EFAULT}});
}

}  // TEST_SUITE
