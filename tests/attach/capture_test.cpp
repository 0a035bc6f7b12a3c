// capture() against real child processes forked by the test itself: states the fixtures cannot easily
// reach (a vfork parent in uninterruptible sleep) and the stack-copy bounds.
#include <doctest/doctest.h>

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>
#include <thread>

#include "attach/base/maps.hpp"
#include "attach/capture.hpp"
#include "attach/proc_parse.hpp"
#include "attach/proc_read.hpp"

using namespace gmr::attach;
using namespace std::chrono_literals;

namespace {

/// A forked child, killed and reaped whatever happens to the test.
class Child {
 public:
  template <typename Body>
  explicit Child(Body body) : pid_(fork()) {
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      body();
      _exit(0);
    }
  }
  ~Child() {
    kill(pid_, SIGKILL);
    kill(pid_, SIGCONT);
    waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

char state_of(pid_t pid) {
  auto text = read_file("/proc/" + std::to_string(pid) + "/stat");
  auto stat = text ? parse_stat(*text) : std::nullopt;
  return stat ? stat->state : '?';
}

bool wait_for_state(pid_t pid, char want, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (state_of(pid) == want) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

}  // namespace

TEST_SUITE("attach::capture") {
  TEST_CASE("a vfork parent in uninterruptible sleep is reported not frozen, and runs on afterwards") {
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    Child parent([&] {
      close(ready[0]);
      pid_t child = vfork();
      if (child == 0) {
        // The vfork child borrows the parent's memory; raw syscalls only. The parent stays in D until this exits.
        write(ready[1], "x", 1);
        struct timespec ts{1, 500'000'000};
        nanosleep(&ts, nullptr);
        _exit(0);
      }
      waitpid(child, nullptr, 0);
      for (;;) pause();
    });
    close(ready[1]);
    char c;
    REQUIRE(read(ready[0], &c, 1) == 1);
    close(ready[0]);
    REQUIRE(wait_for_state(parent.pid(), 'D', 1s));

    CaptureOptions options;
    options.timeout = 200ms;
    auto snap = capture(parent.pid(), options);
    REQUIRE(snap);
    REQUIRE(snap->threads.size() == 1);
    const ThreadSnapshot& t = snap->threads[0];
    CHECK(t.freeze == FreezeState::not_frozen);
    CHECK(t.facts.state == 'D');
    REQUIRE(t.facts.syscall);
    CHECK_FALSE(t.facts.syscall->running);
    CHECK_FALSE(t.registers);
    CHECK_FALSE(snap->consistent());

    // Once the vfork child exits, the parent must run on: not left in a ptrace stop.
    REQUIRE(wait_for_state(parent.pid(), 'S', 5s));
    std::this_thread::sleep_for(100ms);
    CHECK(state_of(parent.pid()) == 'S');
  }

  TEST_CASE("stacks are copied from SP minus the red zone, capped by max_stack") {
    Child child([] { for (;;) pause(); });
    REQUIRE(wait_for_state(child.pid(), 'S', 2s));

    auto full = capture(child.pid(), CaptureOptions{});
    REQUIRE(full);
    REQUIRE(full->threads.size() == 1);
    const ThreadSnapshot& t = full->threads[0];
    REQUIRE(t.registers);
    REQUIRE(t.stack);
    CHECK(t.stack->start == t.registers->rsp - 128);
    CHECK(t.stack->contains(t.registers->rsp, 8));
    CHECK(full->stop_window > 0ns);
    REQUIRE(full->vdso);
    CHECK(full->vdso->bytes.size() >= 4);
    CHECK(std::to_integer<int>(full->vdso->bytes[1]) == 'E');  // \x7fELF

    CaptureOptions small;
    small.max_stack = 1024;
    auto capped = capture(child.pid(), small);
    REQUIRE(capped);
    REQUIRE(capped->threads[0].stack);
    CHECK(capped->threads[0].stack->bytes.size() == 1024);
    CHECK(capped->threads[0].stack_truncated);
    // Let go, not left stopped: the interrupted pause() is restarted, so the child may be runnable for a
    // moment (under load, for a while) before it sleeps again; a thread left in a ptrace stop never would.
    CHECK(wait_for_state(child.pid(), 'S', 5s));
  }

  TEST_CASE("a thread's stack copy ends at its thread pointer, the main thread's at its mapping's end") {
    // glibc puts a thread's control block at its thread pointer, at the top of its stack mapping, above its
    // first frame: those bytes are not copied. The main thread's thread pointer is elsewhere.
    Child child([] {
      pthread_t thread;
      pthread_create(&thread, nullptr, [](void*) -> void* { for (;;) pause(); }, nullptr);
      for (;;) pause();
    });
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (read_thread_ids(child.pid()).size() < 2 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(5ms);
    const std::vector<pid_t> tids = read_thread_ids(child.pid());
    REQUIRE(tids.size() == 2);
    for (pid_t tid : tids) REQUIRE(wait_for_state(tid, 'S', 5s));

    auto snap = capture(child.pid(), CaptureOptions{});
    REQUIRE(snap);
    REQUIRE(snap->threads.size() == 2);
    const auto maps_text = read_file("/proc/" + std::to_string(child.pid()) + "/maps");
    REQUIRE(maps_text);
    const std::vector<MapRange> ranges = parse_map_ranges(*maps_text);
    for (const ThreadSnapshot& t : snap->threads) {
      CAPTURE(t.facts.tid);
      REQUIRE(t.registers);
      REQUIRE(t.stack);
      const MapRange* mapping = find_range(ranges, t.registers->rsp);
      REQUIRE(mapping != nullptr);
      const std::uint64_t copy_end = t.stack->start + t.stack->bytes.size();
      CHECK_FALSE(t.stack_truncated);
      if (t.facts.tid == child.pid()) {
        CHECK(copy_end == mapping->end);
      } else {
        CHECK(t.registers->fs_base > t.registers->rsp);
        CHECK(t.registers->fs_base < mapping->end);
        CHECK(copy_end == t.registers->fs_base);
      }
    }
  }

  TEST_CASE("facts are read before the freeze: a sleeping thread is not reported as traced") {
    Child child([] { for (;;) pause(); });
    REQUIRE(wait_for_state(child.pid(), 'S', 2s));
    auto snap = capture(child.pid(), CaptureOptions{});
    REQUIRE(snap);
    CHECK(snap->threads[0].facts.state == 'S');
    CHECK(snap->threads[0].facts_before_freeze);
    REQUIRE(snap->threads[0].facts.syscall);
    CHECK(snap->threads[0].facts.syscall->number == 34);  // pause
  }
}
