// The target's health across dumps: after every dump it runs (no thread left in T/t), keeps the same
// threads, and has received every signal sent to it while gmr held it — real-time signals are queued, so
// their count is exact. A process that was SIGSTOPped before the dump is still stopped after it.
#include <doctest/doctest.h>

#include <signal.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "support/process.hpp"
#include "support/report_view.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;

// Sends SIGRTMIN (sigqueue) every ~50-100 µs and SIGUSR1 once (early), from its own thread, until stopped.
class SignalSender {
 public:
  explicit SignalSender(pid_t pid) : pid_(pid), thread_([this] { run(); }) {}
  ~SignalSender() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int rt_sent() const { return rt_sent_; }
  int usr1_sent() const { return usr1_sent_; }
  int failures() const { return failures_; }

 private:
  void run() {
    // Until stopped (the whole dump), capped: only those sent while the target is held stay queued, a few
    // hundred at most, well under RLIMIT_SIGPENDING.
    for (int i = 0; !stop_ && i < 20000; ++i) {
      sigval value{};
      value.sival_int = i;
      if (sigqueue(pid_, SIGRTMIN, value) == 0)
        ++rt_sent_;
      else
        ++failures_;
      if (i == 5) {
        if (::kill(pid_, SIGUSR1) == 0)
          ++usr1_sent_;
        else
          ++failures_;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
  pid_t pid_;
  std::atomic<bool> stop_{false};
  std::atomic<int> rt_sent_{0};
  std::atomic<int> usr1_sent_{0};
  std::atomic<int> failures_{0};
  std::thread thread_;  // last: starts after the counters exist
};

bool none_stopped(pid_t pid) {
  for (auto [tid, state] : thread_states(pid))
    if (state == 'T' || state == 't') return false;
  return true;
}

std::string states_text(pid_t pid) {
  std::string text;
  for (auto [tid, state] : thread_states(pid)) text += std::to_string(tid) + ":" + state + " ";
  return text;
}

// Running again (no thread in T/t: S, R or D are fine), same thread ids, and answering commands.
void check_unharmed(Fixture& fixture, const std::vector<pid_t>& tids_before) {
  INFO("states: ", states_text(fixture.pid()));
  CHECK(wait_until(1s, [&] { return none_stopped(fixture.pid()); }));
  CHECK(thread_ids(fixture.pid()) == tids_before);
  CHECK(fixture.command("threads") == std::to_string(tids_before.size()));
}

// Waits until the fixture has counted `rt` real-time signals (they may still be in flight), then checks
// the counts are exact: none lost, none doubled.
void check_signals(Fixture& fixture, int rt, int usr1_min, int usr1_max) {
  std::pair<int, int> counts{-1, -1};
  wait_until(5s, [&] {
    counts = parse_signals(fixture.command("signals"));
    return counts.second >= rt;
  });
  std::this_thread::sleep_for(50ms);  // a duplicate would show up now
  counts = parse_signals(fixture.command("signals"));
  CHECK(counts.second == rt);
  CHECK(counts.first >= usr1_min);
  CHECK(counts.first <= usr1_max);
}

template <typename Dump>
void dump_repeatedly_under_signals(const char* fixture_name, Dump dump) {
  Fixture fixture(fixture_name);
  const std::vector<pid_t> tids = thread_ids(fixture.pid());
  REQUIRE(tids.size() == static_cast<std::size_t>(fixture.ready_threads()));
  int rt_sent = 0, usr1_sent = 0;
  for (int round = 0; round < 5; ++round) {
    INFO("dump round ", round);
    SignalSender sender(fixture.pid());
    dump(fixture);
    sender.stop();
    CHECK(sender.failures() == 0);
    rt_sent += sender.rt_sent();
    usr1_sent += sender.usr1_sent();
    check_unharmed(fixture, tids);
  }
  CHECK(rt_sent > 0);
  check_signals(fixture, rt_sent, usr1_sent > 0 ? 1 : 0, usr1_sent);
}

}  // namespace

TEST_SUITE("e2e::target_health") {

TEST_CASE("gmr dump: the C fixture keeps running, keeps its threads and gets every signal sent meanwhile") {
  dump_repeatedly_under_signals("fixture_threads_c", [](Fixture& fixture) {
    const RunResult result = run_gmr({"dump", std::to_string(fixture.pid())});
    INFO("gmr stderr: ", result.err);
    // Signals race the freeze: a thread may be held in a signal-delivery stop — still a complete dump.
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("fixture_threads") != std::string::npos);
  });
}

TEST_CASE("capture(): the C++ fixture keeps running, keeps its threads and gets every signal sent meanwhile") {
  dump_repeatedly_under_signals("fixture_threads_cpp", [](Fixture& fixture) {
    const attach::Snapshot snapshot = capture_or_throw(fixture.pid());
    CHECK(snapshot.consistent());
    CHECK(snapshot.frozen_count() == static_cast<std::size_t>(fixture.ready_threads()));
    CHECK(!snapshot.was_group_stopped);
  });
}

TEST_CASE("a SIGSTOPped process is dumped and still stopped afterwards, and SIGCONT resumes it") {
  Fixture fixture("fixture_threads_c");
  const pid_t pid = fixture.pid();
  const std::vector<pid_t> tids = thread_ids(pid);
  REQUIRE(::kill(pid, SIGSTOP) == 0);
  auto all_group_stopped = [&] {
    auto states = thread_states(pid);
    for (auto [tid, state] : states)
      if (state != 'T') return false;
    return states.size() == tids.size();
  };
  REQUIRE_MESSAGE(wait_until(5s, all_group_stopped), "not stopped: ", states_text(pid));

  SUBCASE("through gmr dump") {
    const RunResult result = run_gmr({"dump", std::to_string(pid)});
    INFO("gmr stderr: ", result.err);
    CHECK(result.exit_code == 0);
  }
  SUBCASE("through capture()") {
    const attach::Snapshot snapshot = capture_or_throw(pid);
    CHECK(snapshot.was_group_stopped);
    CHECK(snapshot.consistent());
    for (const auto& thread : snapshot.threads) {
      CHECK(thread.facts.state == std::optional<char>('T'));
      CHECK(thread.stop_kind == std::optional<attach::StopKind>(attach::StopKind::group_stop));
    }
  }

  // Detaching a group-stopped tracee wakes it so that it re-enters the group stop by itself (kernel/ptrace.c
  // __ptrace_unlink reinstates JOBCTL_STOP_PENDING and kicks the thread): a thread may read 'R' for a
  // moment before 'T' — on a busy machine for milliseconds. So: back to T within a deadline, and still T
  // a while later (not resumed).
  CHECK_MESSAGE(wait_until(2s, all_group_stopped), "not stopped after the dump: ", states_text(pid));
  std::this_thread::sleep_for(200ms);
  CHECK_MESSAGE(all_group_stopped(), "resumed after the dump: ", states_text(pid));
  CHECK(thread_ids(pid) == tids);

  REQUIRE(::kill(pid, SIGCONT) == 0);
  fixture.wait_quiescent(fixture.ready_threads());
  check_unharmed(fixture, tids);
  CHECK(parse_signals(fixture.command("signals")) == std::pair<int, int>{0, 0});
}

}  // TEST_SUITE
