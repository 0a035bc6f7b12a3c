// WaitStatus against statuses the kernel itself reports for a real child: the named constructors the fake
// kernel uses must encode exactly what waitpid(2) returns, and kind() must name each of them.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach/wait_status.hpp"

using gmr::attach::WaitStatus;
using Kind = WaitStatus::Kind;

namespace {

/// A forked child that pauses until killed; killed and reaped whatever happens to the test.
class PausedChild {
 public:
  PausedChild() : pid_(fork()) {
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      for (;;) pause();
    }
  }
  ~PausedChild() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, __WALL);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

WaitStatus next_status(pid_t pid) {
  int raw = 0;
  REQUIRE(waitpid(pid, &raw, __WALL) == pid);
  return WaitStatus(raw);
}

}  // namespace

TEST_SUITE("attach::wait_status") {
  TEST_CASE("exits and fatal signals, as waitpid reports them") {
    const pid_t exiting = fork();
    REQUIRE(exiting >= 0);
    if (exiting == 0) _exit(3);
    const WaitStatus exited = next_status(exiting);
    CHECK(exited.kind() == Kind::exited);
    CHECK(exited == WaitStatus::for_exit(3));
    CHECK_FALSE(exited.stop_signal());

    PausedChild child;
    kill(child.pid(), SIGKILL);
    int raw = 0;
    REQUIRE(waitpid(child.pid(), &raw, __WALL) == child.pid());
    CHECK(WaitStatus(raw).kind() == Kind::killed);
    CHECK(WaitStatus(raw) == WaitStatus::for_fatal_signal(SIGKILL));
  }

  TEST_CASE("ptrace stops of a seized child: interrupt, signal delivery, group-stop") {
    PausedChild child;
    REQUIRE(ptrace(PTRACE_SEIZE, child.pid(), nullptr, nullptr) == 0);

    REQUIRE(ptrace(PTRACE_INTERRUPT, child.pid(), nullptr, nullptr) == 0);
    const WaitStatus interrupted = next_status(child.pid());
    CHECK(interrupted.kind() == Kind::interrupt_stop);
    CHECK(interrupted == WaitStatus::for_event_stop(SIGTRAP));
    CHECK(interrupted.stop_signal() == SIGTRAP);

    REQUIRE(ptrace(PTRACE_CONT, child.pid(), nullptr, nullptr) == 0);
    kill(child.pid(), SIGSTOP);
    const WaitStatus delivery = next_status(child.pid());
    CHECK(delivery.kind() == Kind::signal_stop);
    CHECK(delivery == WaitStatus::for_signal_stop(SIGSTOP));
    CHECK(delivery.stop_signal() == SIGSTOP);

    // Letting the SIGSTOP through stops the group: a PTRACE_EVENT_STOP with the stop signal.
    REQUIRE(ptrace(PTRACE_CONT, child.pid(), nullptr, reinterpret_cast<void*>(static_cast<long>(SIGSTOP))) == 0);
    const WaitStatus group = next_status(child.pid());
    CHECK(group.kind() == Kind::group_stop);
    CHECK(group == WaitStatus::for_event_stop(SIGSTOP));
  }

  TEST_CASE("a clone event, as encoded for the fake kernel") {
    const WaitStatus clone = WaitStatus::for_clone_event();
    CHECK(clone.kind() == Kind::clone_event);
    CHECK(WIFSTOPPED(clone.raw()));
    CHECK((clone.raw() >> 16) == PTRACE_EVENT_CLONE);
    CHECK(WaitStatus(0xffff).kind() == Kind::other);  // WIFCONTINUED
  }
}
