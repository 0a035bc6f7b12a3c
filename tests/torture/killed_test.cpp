// Torture 3: gmr itself dies or is told to stop at random moments while dumping a 1,000-thread target.
// SIGKILL (100 trials; 500 with GMR_LONG=1): the kernel lets every tracee go when its tracer dies, so the
// target runs on every time. SIGINT, SIGTERM, SIGHUP (5 trials each; 50): gmr lets the target go, then
// exits 128+N — or, when the signal lands before it took hold of the target or after it let go, the
// signal's default action ends it (the same 128+N to a shell), or it had already finished (0).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <random>
#include <thread>

#include "cli/exit_codes.hpp"
#include "support/process.hpp"
#include "torture/torture.hpp"

extern char** environ;

namespace {

using namespace gmr;
using namespace gmr::test;

constexpr int target_threads = 1000;

pid_t spawn_gmr(pid_t target) {
  std::string pid = std::to_string(target);
  std::vector<char*> argv{const_cast<char*>(GMR_BINARY), const_cast<char*>("dump"), pid.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&defaults, sig);  // a background shell ignores SIGINT
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t gmr = -1;
  const int rc = posix_spawn(&gmr, GMR_BINARY, &actions, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("posix_spawn gmr failed");
  return gmr;
}

/// Waits for gmr with a deadline (a hang is a failure, and it is killed); returns the wait status.
int reap(pid_t gmr) {
  int status = 0;
  if (wait_until(30s, [&] { return waitpid(gmr, &status, WNOHANG) == gmr; })) return status;
  kill(gmr, SIGKILL);
  waitpid(gmr, &status, 0);
  throw std::runtime_error("gmr hung: killed after 30 s");
}

struct Moments {
  std::chrono::microseconds held;      // gmr was first seen holding the target
  std::chrono::microseconds released;  // and then letting it go (it names frames for a while after)
};

/// When, after its start, gmr takes hold of the target and lets it go: random moments are drawn from
/// [0.8 × held, 1.1 × released], so that most land during the freeze or just around it. (Before it, gmr
/// reads the facts of 1,000 threads: a third of a second here that a kill would only waste.)
Moments freeze_moments(pid_t target) {
  const auto begin = std::chrono::steady_clock::now();
  const pid_t gmr = spawn_gmr(target);
  bool held = false;
  auto held_at = begin, released = begin;
  for (;;) {
    const bool traced = tracer_of(target, target).value_or(0) != 0;
    if (traced && !held) held_at = std::chrono::steady_clock::now();
    if (traced) held = true;
    if (held && !traced) {
      released = std::chrono::steady_clock::now();
      break;
    }
    int status = 0;
    if (waitpid(gmr, &status, WNOHANG) == gmr) throw std::runtime_error("gmr ended before it was seen holding the target");
  }
  const int status = reap(gmr);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == cli::exit_complete);
  using std::chrono::duration_cast;
  return {duration_cast<std::chrono::microseconds>(held_at - begin),
          duration_cast<std::chrono::microseconds>(released - begin)};
}

}  // namespace

TEST_SUITE("torture::killed") {

TEST_CASE("gmr killed or signalled at random moments while dumping a 1,000-thread target: the target runs on") {
  Fixture fixture("fixture_torture", {.args = {"many", std::to_string(target_threads)}, .timeout = 60s});
  const pid_t pid = fixture.pid();
  // The first dump of a target is the slowest (files read from disk, the frame cache filled): it only
  // warms up. The window is drawn around the earliest hold and the latest release of three more, so that a
  // dump faster than the calibration still gets signals while it holds the target.
  freeze_moments(pid);
  Moments freeze = freeze_moments(pid);
  for (int i = 0; i < 2; ++i) {
    const Moments again = freeze_moments(pid);
    freeze.held = std::min(freeze.held, again.held);
    freeze.released = std::max(freeze.released, again.released);
  }
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<long> moment(freeze.held.count() * 8 / 10, freeze.released.count() * 11 / 10);

  const int kill_trials = count(100, 500);
  const int signal_trials = count(5, 50);
  int trials = 0, held_at_signal = 0, left_stopped = 0, exited_128 = 0, ended_by_signal = 0, finished = 0, other = 0;
  auto trial = [&](int sig) {
    ++trials;
    const pid_t gmr = spawn_gmr(pid);
    std::this_thread::sleep_for(std::chrono::microseconds(moment(random)));
    held_at_signal += tracer_of(pid, pid).value_or(0) != 0;
    REQUIRE(kill(gmr, sig) == 0);
    const int status = reap(gmr);
    if (sig != SIGKILL) {
      if (WIFEXITED(status) && WEXITSTATUS(status) == 128 + sig)
        ++exited_128;
      else if (WIFSIGNALED(status) && WTERMSIG(status) == sig)
        ++ended_by_signal;
      else if (WIFEXITED(status) && WEXITSTATUS(status) == cli::exit_complete)
        ++finished;
      else {
        ++other;
        FAIL_CHECK("signal ", sig, ": unexpected wait status ", status);
      }
    }
    if (!wait_let_go(pid)) {
      ++left_stopped;
      FAIL_CHECK("signal ", sig, ": target not let go: ", states_text(pid));
    }
  };
  for (int i = 0; i < kill_trials; ++i) trial(SIGKILL);
  for (int sig : {SIGINT, SIGTERM, SIGHUP})
    for (int i = 0; i < signal_trials; ++i) trial(sig);

  CHECK(left_stopped == 0);
  CHECK(other == 0);
  CHECK(held_at_signal > 0);  // some signals did land while gmr held the target
  CHECK(thread_ids(pid).size() == target_threads);
  CHECK(fixture.command("threads") == std::to_string(target_threads));
  CHECK(wait_quiescent(pid, target_threads));
  report_figures("killed", "trials=" + std::to_string(trials) + " held_at_us=" + std::to_string(freeze.held.count()) +
                               " released_at_us=" + std::to_string(freeze.released.count()) +
                               " held_at_signal=" + std::to_string(held_at_signal) +
                               " left_stopped=" + std::to_string(left_stopped) +
                               " exited_128_plus_n=" + std::to_string(exited_128) +
                               " ended_by_default_action=" + std::to_string(ended_by_signal) +
                               " finished=" + std::to_string(finished) + " unexpected=" + std::to_string(other));
}

}  // TEST_SUITE
