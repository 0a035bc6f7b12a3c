#include <doctest/doctest.h>

#include <signal.h>
#include <sys/ptrace.h>

#include <algorithm>
#include <chrono>

#include "attach/freezer.hpp"
#include "fake_kernel.hpp"

using gmr::attach::AttachErrorKind;
using gmr::attach::Freezer;
using gmr::attach::StopKind;
using gmr::attach::WaitStatus;
using gmr::test::FakeKernel;

namespace {

auto soon() { return std::chrono::steady_clock::now() + std::chrono::seconds(1); }

bool detached_with(const FakeKernel& k, pid_t tid, int sig) {
  return std::count(k.detached.begin(), k.detached.end(), std::make_pair(tid, sig)) == 1;
}

}  // namespace

TEST_SUITE("attach::freezer") {
  TEST_CASE("seizes and interrupts every thread before waiting, then detaches each once") {
    FakeKernel k;
    k.listings = {{100, 101, 102}};
    for (pid_t t : {100, 101, 102}) k.stop(t, WaitStatus::for_event_stop(SIGTRAP));
    {
      Freezer f(k, 100);
      REQUIRE(f.freeze(soon()));
      CHECK(k.seized == std::vector<pid_t>{100, 101, 102});
      CHECK(k.interrupted == std::vector<pid_t>{100, 101, 102});
      CHECK(k.detached.empty());
      for (const auto& [tid, t] : f.threads()) {
        CHECK(t.stopped());
        CHECK(t.stop_kind() == StopKind::interrupt);
      }
      CHECK(f.held_since().has_value());
    }
    CHECK(k.detached.size() == 3);
    for (pid_t t : {100, 101, 102}) CHECK(detached_with(k, t, 0));
  }

  TEST_CASE("each thread is asked for its own stop once, in seize order, and let go in that order") {
    // The kernel walks every tracee on a wait for any of them: asked per thread, that is quadratic.
    FakeKernel k;
    std::vector<pid_t> tids;
    for (pid_t t = 1000; t < 3000; ++t) tids.push_back(t);
    k.listings = {tids};
    for (pid_t t : tids) k.stop(t, WaitStatus::for_event_stop(SIGTRAP));
    {
      Freezer f(k, 1000);
      REQUIRE(f.freeze(soon()));
      CHECK(k.waited_for == tids);
      CHECK(k.wait_any_calls == 0);
      CHECK(k.sleep_calls == 0);
    }
    std::vector<pid_t> released;
    for (auto [tid, sig] : k.detached) released.push_back(tid);
    CHECK(released == tids);
  }

  TEST_CASE("a stop that comes late: asked again once gmr has slept until a tracee changed state") {
    FakeKernel k;
    k.listings = {{100, 101}};
    k.stop(100, WaitStatus::for_event_stop(SIGTRAP));
    k.stop_late(101, WaitStatus::for_event_stop(SIGTRAP));
    Freezer f(k, 100);
    REQUIRE(f.freeze(soon()));
    CHECK(f.threads().at(101).stopped());
    CHECK(k.waited_for == std::vector<pid_t>{100, 101, 101});
    CHECK(k.wait_any_calls == 0);
    CHECK(k.sleep_calls == 1);
  }

  TEST_CASE("a thread that does not stop does not hold up the ones behind it: after a quiet slice it goes last") {
    FakeKernel k;
    k.listings = {{100, 101, 102}};
    k.stop(101, WaitStatus::for_event_stop(SIGTRAP));
    k.stop(102, WaitStatus::for_event_stop(SIGTRAP));
    k.quiet();
    {
      Freezer f(k, 100);
      REQUIRE(f.freeze(soon()));
      CHECK_FALSE(f.threads().at(100).stopped());
      CHECK(f.threads().at(101).stopped());
      CHECK(f.threads().at(102).stopped());
      // Asked after each later interrupt, once more before the quiet slice, then behind the others.
      CHECK(k.waited_for == std::vector<pid_t>{100, 100, 100, 101, 102, 100});
      CHECK(k.wait_any_calls == 0);
    }
    CHECK(k.detached == std::vector<std::pair<pid_t, int>>{{101, 0}, {102, 0}});
  }

  TEST_CASE("once every thread waited for is quiet, the walk over all tracees takes exits of stopped ones") {
    // An exec from a non-leader thread kills every other thread, stopped ones included, and waits until
    // the tracer has reaped them; the exec'ing thread cannot stop before that.
    FakeKernel k;
    k.listings = {{100, 101, 102}};
    k.stop(100, WaitStatus::for_event_stop(SIGTRAP));
    k.stop(101, WaitStatus::for_event_stop(SIGTRAP));
    k.stop(101, WaitStatus::for_fatal_signal(SIGKILL));
    k.quiet();
    {
      Freezer f(k, 100);
      REQUIRE(f.freeze(soon()));
      CHECK(f.threads().at(101).exited());
      CHECK_FALSE(f.threads().at(102).stopped());
      CHECK(k.events.empty());
      CHECK(k.wait_any_calls == 2);
    }
    CHECK(k.detached == std::vector<std::pair<pid_t, int>>{{100, 0}});
  }

  TEST_CASE("a thread whose tid vanished (an exec took the leader's) is dropped at once, not waited for") {
    FakeKernel k;
    k.listings = {{100, 101}};
    k.stop(100, WaitStatus::for_event_stop(SIGTRAP));
    k.vanish(101);
    {
      Freezer f(k, 100);
      REQUIRE(f.freeze(soon()));
      CHECK(f.threads().at(101).exited());
      CHECK(k.sleep_calls == 0);
    }
    CHECK(k.detached == std::vector<std::pair<pid_t, int>>{{100, 0}});
  }

  TEST_CASE("seized and rescanned before the first interrupt; stops taken between interrupts, oldest first") {
    FakeKernel k;
    k.listings = {{100, 101}, {100, 101, 102}, {100, 101, 102}};
    for (pid_t t : {100, 101, 102}) k.stop(t, WaitStatus::for_event_stop(SIGTRAP));
    Freezer f(k, 100);
    REQUIRE(f.freeze(soon()));
    CHECK(k.log == std::vector<std::string>{"list", "seize 100", "seize 101", "list", "seize 102", "list",
                                            "interrupt 100", "interrupt 101", "wait 100", "interrupt 102",
                                            "wait 101", "wait 102"});
    REQUIRE(f.held_since());
    CHECK(*f.held_since() >= k.last_listed);
  }

  TEST_CASE("a thread that stopped on its own (a raced signal), perhaps before any interrupt: window from the seize") {
    FakeKernel k;
    k.listings = {{100, 101}};
    k.stop(100, WaitStatus::for_event_stop(SIGTRAP));
    k.stop(101, WaitStatus::for_signal_stop(SIGUSR1));
    const auto before = std::chrono::steady_clock::now();
    Freezer f(k, 100);
    REQUIRE(f.freeze(soon()));
    REQUIRE(f.held_since());
    CHECK(*f.held_since() >= before);
    CHECK(*f.held_since() <= k.last_listed);
  }

  TEST_CASE("rescans /proc/PID/task until a pass finds nothing new") {
    FakeKernel k;
    k.listings = {{100}, {100, 101}, {100, 101}};
    k.stop(100, WaitStatus::for_event_stop(SIGTRAP));
    k.stop(101, WaitStatus::for_event_stop(SIGTRAP));
    Freezer f(k, 100);
    REQUIRE(f.freeze(soon()));
    CHECK(k.seized == std::vector<pid_t>{100, 101});
    CHECK(f.threads().size() == 2);
  }

  TEST_CASE("a signal that races the interrupt is handed back on detach, never swallowed") {
    FakeKernel k;
    k.listings = {{100, 101}};
    k.stop(100, WaitStatus::for_signal_stop(SIGUSR1));
    k.stop(101, WaitStatus::for_event_stop(SIGTRAP));
    {
      Freezer f(k, 100);
      REQUIRE(f.freeze(soon()));
      CHECK(f.threads().at(100).stop_kind() == StopKind::signal_delivery);
      CHECK(f.threads().at(100).pending_signal() == SIGUSR1);
    }
    CHECK(detached_with(k, 100, SIGUSR1));
    CHECK(detached_with(k, 101, 0));
  }

  TEST_CASE("a group-stopped process is detached with no signal, so it stays stopped") {
    FakeKernel k;
    k.listings = {{100, 101}};
    k.stop(100, WaitStatus::for_event_stop(SIGSTOP));
    k.stop(101, WaitStatus::for_event_stop(SIGSTOP));
    {
      Freezer f(k, 100);
      REQUIRE(f.freeze(soon()));
      CHECK(f.threads().at(100).stop_kind() == StopKind::group_stop);
    }
    CHECK(detached_with(k, 100, 0));
    CHECK(detached_with(k, 101, 0));
  }

  TEST_CASE("a thread cloned during the freeze is held through the clone event and waited for") {
    FakeKernel k;
    k.listings = {{100}};
    k.clone_children[100] = 105;
    k.stop(100, WaitStatus::for_clone_event());
    k.stop(105, WaitStatus::for_event_stop(SIGTRAP));
    {
      Freezer f(k, 100);
      REQUIRE(f.freeze(soon()));
      REQUIRE(f.threads().contains(105));
      CHECK(f.threads().at(100).stop_kind() == StopKind::clone_event);
      CHECK(f.threads().at(105).stopped());
      CHECK(std::count(k.seized.begin(), k.seized.end(), 105) == 0);
    }
    CHECK(detached_with(k, 105, 0));
  }

  TEST_CASE("a new thread's stop that beats its parent's clone event is still held") {
    FakeKernel k;
    k.listings = {{100}};
    k.clone_children[100] = 105;
    k.stop(105, WaitStatus::for_event_stop(SIGTRAP));
    k.stop(100, WaitStatus::for_clone_event());
    Freezer f(k, 100);
    REQUIRE(f.freeze(soon()));
    CHECK(f.threads().size() == 2);
    CHECK(f.threads().at(105).stopped());
  }

  TEST_CASE("a thread auto-attached by TRACECLONE and found by the rescan is not an error") {
    FakeKernel k;
    k.listings = {{100}, {100, 106}, {100, 106}};
    k.seize_errors[106] = EPERM;
    k.liveness_of[106] = {true, 'S', k.tracer};
    k.stop(100, WaitStatus::for_event_stop(SIGTRAP));
    k.stop(106, WaitStatus::for_event_stop(SIGTRAP));
    Freezer f(k, 100);
    REQUIRE(f.freeze(soon()));
    CHECK(f.threads().at(106).stopped());
  }

  TEST_CASE("threads that vanish before or during the freeze are dropped cleanly") {
    FakeKernel k;
    k.listings = {{100, 101, 102, 103}};
    k.seize_errors[101] = ESRCH;
    k.seize_errors[102] = EPERM;
    k.liveness_of[102] = {true, 'Z', 0};
    k.stop(100, WaitStatus::for_event_stop(SIGTRAP));
    k.stop(103, WaitStatus::for_exit(0));
    {
      Freezer f(k, 100);
      REQUIRE(f.freeze(soon()));
      CHECK(f.threads().size() == 2);
      CHECK(f.threads().at(103).exited());
    }
    CHECK(k.detached == std::vector<std::pair<pid_t, int>>{{100, 0}});
  }

  TEST_CASE("a thread that does not stop by the deadline is not frozen and never detached") {
    FakeKernel k;
    k.listings = {{100, 101}};
    k.stop(100, WaitStatus::for_event_stop(SIGTRAP));
    {
      Freezer f(k, 100);
      REQUIRE(f.freeze(soon()));
      CHECK(f.threads().at(100).stopped());
      CHECK_FALSE(f.threads().at(101).stopped());
    }
    // PTRACE_DETACH needs a stopped tracee; the kernel releases 101 when the tracer thread exits.
    CHECK(k.detached == std::vector<std::pair<pid_t, int>>{{100, 0}});
  }

  TEST_CASE("already traced: the error names the tracer and nothing stays held") {
    FakeKernel k;
    k.listings = {{100, 101}};
    k.seize_errors[101] = EPERM;
    k.liveness_of[101] = {true, 'S', 777};
    k.stop(100, WaitStatus::for_event_stop(SIGTRAP));
    auto r = Freezer(k, 100).freeze(soon());
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == AttachErrorKind::already_traced);
    CHECK(r.error().tracer_pid == 777);
    CHECK(r.error().message.find("777") != std::string::npos);
  }

  TEST_CASE("EPERM on a live, untraced thread is a permission error") {
    FakeKernel k;
    k.listings = {{100}};
    k.seize_errors[100] = EPERM;
    k.liveness_of[100] = {true, 'S', 0};
    auto r = Freezer(k, 100).freeze(soon());
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == AttachErrorKind::permission_denied);
    CHECK(r.error().errno_value == EPERM);
  }

  TEST_CASE("EPERM from a thread caught in exec's hand-over is tried again, not called a permission error") {
    // An execve from a non-leader thread: the old leader is a zombie (exit_state set: PTRACE_SEIZE says
    // EPERM) while the exec'ing thread takes over its tid, so /proc/TID/status already shows a live,
    // untraced thread when gmr looks. Seen by tests/torture/target_changes_test.cpp.
    FakeKernel k;
    k.listings = {{100, 101}};
    k.seize_answers[100] = {EPERM};
    k.liveness_of[100] = {true, 'S', 0};
    for (pid_t t : {100, 101}) k.stop(t, WaitStatus::for_event_stop(SIGTRAP));
    Freezer f(k, 100);
    auto r = f.freeze(soon());
    REQUIRE(r);
    CHECK(f.threads().size() == 2);
    CHECK(std::count(k.seized.begin(), k.seized.end(), 100) == 2);
  }

  TEST_CASE("a process whose every thread vanished is no such process") {
    FakeKernel k;
    k.listings = {{100}};
    k.seize_errors[100] = ESRCH;
    auto r = Freezer(k, 100).freeze(soon());
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == AttachErrorKind::no_such_process);
  }

  TEST_CASE("SIGINT to gmr mid-freeze: interrupted, stopped threads let go with their raced signals") {
    FakeKernel k;
    k.listings = {{100, 101, 102}};
    k.stop(100, WaitStatus::for_signal_stop(SIGUSR2));
    k.stop(101, WaitStatus::for_event_stop(SIGTRAP));
    k.signal_to_gmr(SIGINT);
    {
      Freezer f(k, 100);
      auto r = f.freeze(soon());
      REQUIRE_FALSE(r);
      CHECK(r.error().kind == AttachErrorKind::interrupted);
      CHECK(r.error().signal == SIGINT);
    }
    CHECK(detached_with(k, 100, SIGUSR2));
    CHECK(detached_with(k, 101, 0));
    CHECK(k.detached.size() == 2);
  }

  TEST_CASE("SIGTERM to gmr during a freeze that never had to sleep: interrupted before anything is copied") {
    FakeKernel k;
    k.listings = {{100, 101}};
    k.stop(100, WaitStatus::for_event_stop(SIGTRAP));
    k.stop(101, WaitStatus::for_signal_stop(SIGUSR1));
    k.termination = SIGTERM;
    {
      Freezer f(k, 100);
      auto r = f.freeze(soon());
      REQUIRE_FALSE(r);
      CHECK(r.error().kind == AttachErrorKind::interrupted);
      CHECK(r.error().signal == SIGTERM);
      CHECK(k.sleep_calls == 0);
    }
    CHECK(detached_with(k, 100, 0));
    CHECK(detached_with(k, 101, SIGUSR1));
  }

  TEST_CASE("waiting that fails is an error of its own, not a timeout; stopped threads are let go") {
    FakeKernel k;
    k.listings = {{100, 101}};
    k.stop(100, WaitStatus::for_event_stop(SIGTRAP));
    k.wait_fails(EINVAL);
    {
      Freezer f(k, 100);
      auto r = f.freeze(soon());
      REQUIRE_FALSE(r);
      CHECK(r.error().kind == AttachErrorKind::system);
      CHECK(r.error().errno_value == EINVAL);
      CHECK(r.error().message.find("failed") != std::string::npos);
    }
    CHECK(k.detached == std::vector<std::pair<pid_t, int>>{{100, 0}});
  }

  TEST_CASE("release is idempotent") {
    FakeKernel k;
    k.listings = {{100}};
    k.stop(100, WaitStatus::for_event_stop(SIGTRAP));
    {
      Freezer f(k, 100);
      REQUIRE(f.freeze(soon()));
      f.release();
      f.release();
    }
    CHECK(k.detached.size() == 1);
  }
}
