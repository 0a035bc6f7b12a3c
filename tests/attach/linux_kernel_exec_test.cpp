// LinuxKernel against a real process that execs while gmr holds some of its threads.
//
// The kernel's ptrace/exec deadlock: execve() from a non-leader thread holds cred_guard_mutex while
// de_thread() waits for the other threads to be released — and a traced thread that died is released only
// when its tracer reaps it. A tracer that then calls PTRACE_SEIZE (which takes cred_guard_mutex) on the
// process blocks forever, unless someone else reaps its dead tracees. Found by the torture suite (gmr hung
// on a target that exec'd mid-dump).
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <thread>

#include "attach/linux_kernel.hpp"
#include "support/process.hpp"

using namespace gmr;
using namespace gmr::test;

TEST_SUITE("attach::linux_kernel") {
  TEST_CASE("PTRACE_SEIZE on a process in the middle of an exec returns instead of deadlocking") {
    Fixture fixture("fixture_torture", {.args = {"many", "20"}});
    const pid_t pid = fixture.pid();
    const std::vector<pid_t> before = thread_ids(pid);
    REQUIRE(fixture.command("exec-after 300000") == "ok");  // a new thread execs 300 ms from now
    std::vector<pid_t> now;
    REQUIRE(wait_until(5s, [&] {
      now = thread_ids(pid);
      return now.size() == before.size() + 1;
    }));
    pid_t execer = 0;
    for (pid_t tid : now)
      if (std::find(before.begin(), before.end(), tid) == before.end()) execer = tid;
    REQUIRE(execer != 0);

    // Block the signals LinuxKernel wants pending (as capture() does), in this thread and so in the tracer.
    sigset_t set, saved;
    sigemptyset(&set);
    for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
    pthread_sigmask(SIG_BLOCK, &set, &saved);

    std::atomic<int> stage{0};
    std::promise<int> seized_leader;
    auto result = seized_leader.get_future();
    std::thread tracer([&] {
      attach::LinuxKernel kernel;
      // Hold every thread but the leader and the one about to exec, all stopped.
      std::vector<pid_t> held;
      for (pid_t tid : before)
        if (tid != pid && kernel.seize(tid) == 0 && kernel.interrupt(tid) == 0) held.push_back(tid);
      using Kind = attach::WaitResult::Kind;
      const auto until = std::chrono::steady_clock::now() + 5s;
      for (pid_t tid : held)
        while (kernel.wait_for(tid).kind == Kind::none && kernel.sleep(until).kind == Kind::woken) {
        }
      stage = 1;
      // The exec has begun once the held threads, killed by de_thread(), are zombies waiting for us.
      wait_until(5s, [&] {
        for (auto [tid, state] : thread_states(pid))
          if (tid != pid && tid != execer && state == 'Z') return true;
        return false;
      });
      stage = 2;
      seized_leader.set_value(kernel.seize(pid));
      // Reap whatever is left so that the exec (and this test) can finish.
      for (auto quiet_until = std::chrono::steady_clock::now() + 200ms;;) {
        if (kernel.wait_any().kind == Kind::event) {
          quiet_until = std::chrono::steady_clock::now() + 200ms;
        } else if (kernel.sleep(quiet_until).kind != Kind::woken) {
          break;
        }
      }
    });
    const bool returned = result.wait_for(10s) == std::future_status::ready;
    if (!returned) {
      // The deadlock: SIGKILL ends the exec (de_thread waits killably), which lets the seize go on.
      kill(pid, SIGKILL);
    }
    tracer.join();
    pthread_sigmask(SIG_SETMASK, &saved, nullptr);
    CHECK(stage == 2);
    CHECK_MESSAGE(returned, "PTRACE_SEIZE blocked on a process in exec (cred_guard_mutex held by de_thread)");
    if (returned) {
      CHECK(fixture.read_line(10s) == "ready 3");  // the exec completed: the new program runs
      CHECK(wait_until(5s, [&] { return thread_ids(pid).size() == 3; }));
    }
  }
}
