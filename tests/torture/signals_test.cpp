// Torture 1: consecutive dumps of a busy target receiving a steady stream of signals it counts (SIGUSR1 and
// SIGUSR2 from the test, SIGCHLD from its own children). Afterwards it is alive, not stopped, untraced, has
// every thread it had and has received exactly the signals sent; every dump listed every thread.
//
// The sender sends the next signal only once the previous one was counted (the counts live in a shared
// file), so standard signals never coalesce and "received = sent" is exact; a signal not counted within
// 10 s is a lost one. Most dumps are in-process: capture() every time (its thread list is the report's),
// build_report() without source text on every 50th (it takes ~0.3 s here: the assertions are about the
// target, not the naming); a few more through the real gmr binary.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>

#include "attach/capture.hpp"
#include "cli/exit_codes.hpp"
#include "support/process.hpp"
#include "report/build/report_builder.hpp"
#include "torture/torture.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;

struct Counters {  // tests/fixtures/torture.c, struct counters
  std::atomic<long> usr1, usr2, chld, forked, chld_late;
};

/// A temporary file mapped shared: the fixture's signal counters.
class CounterFile {
 public:
  CounterFile() {
    char name[] = "/tmp/gmr-torture-XXXXXX";
    fd_ = mkstemp(name);
    REQUIRE(fd_ >= 0);
    path_ = name;
    REQUIRE(ftruncate(fd_, sizeof(Counters)) == 0);
    void* p = mmap(nullptr, sizeof(Counters), PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    REQUIRE(p != MAP_FAILED);
    counters_ = static_cast<Counters*>(p);
  }
  ~CounterFile() {
    munmap(counters_, sizeof(Counters));
    close(fd_);
    unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }
  const Counters& get() const { return *counters_; }

 private:
  int fd_ = -1;
  std::string path_;
  Counters* counters_ = nullptr;
};

/// Sends SIGUSR1 and SIGUSR2 alternately, each once the previous one has been counted.
class Sender {
 public:
  Sender(pid_t pid, const Counters& counters) : pid_(pid), counters_(counters), thread_([this] { run(); }) {}
  ~Sender() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  long usr1 = 0, usr2 = 0, lost = 0, failed = 0;

 private:
  void run() {
    for (long i = 0; !stop_; ++i) {
      const bool one = i % 2 == 0;
      const std::atomic<long>& counter = one ? counters_.usr1 : counters_.usr2;
      const long before = counter.load();
      if (::kill(pid_, one ? SIGUSR1 : SIGUSR2) != 0) {
        ++failed;
        return;
      }
      ++(one ? usr1 : usr2);
      if (!wait_until(10s, [&] { return counter.load() != before; })) ++lost;
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  }
  pid_t pid_;
  const Counters& counters_;
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: starts once the rest exists
};

std::vector<pid_t> snapshot_tids(const attach::Snapshot& snapshot) {
  std::vector<pid_t> tids;
  for (const auto& t : snapshot.threads)
    if (t.freeze != attach::FreezeState::exited) tids.push_back(t.facts.tid);
  std::sort(tids.begin(), tids.end());
  return tids;
}

std::vector<pid_t> listed_tids(const report::Report& report) {
  std::vector<pid_t> tids;
  for (const auto& t : report.threads) tids.push_back(t.tid);
  std::sort(tids.begin(), tids.end());
  return tids;
}

}  // namespace

TEST_SUITE("torture::signals") {

TEST_CASE("repeated dumps of a busy target under SIGUSR1, SIGUSR2 and SIGCHLD lose no signal and no thread") {
  const int in_process = count(1000, 10000);
  const int through_binary = count(10, 200);
  CounterFile file;
  Fixture fixture("fixture_torture", {.args = {"busy", file.path()}, .wait_quiescent = false});
  const pid_t pid = fixture.pid();
  const std::vector<pid_t> tids = thread_ids(pid);
  REQUIRE(tids.size() == 4);

  int dumps = 0, reports = 0, incomplete = 0, missing_threads = 0, failures = 0;
  report::BuildOptions build;
  build.source_lines = false;
  build.max_frames = 32;
  {
    Sender sender(pid, file.get());
    for (int i = 0; i < in_process; ++i) {
      auto snapshot = attach::capture(pid, {});
      if (!snapshot) {
        ++failures;
        FAIL_CHECK("capture ", i, ": ", snapshot.error().message);
        continue;
      }
      ++dumps;
      if (snapshot_tids(*snapshot) != tids) ++missing_threads;
      if (i % 50 == 0 || i + 1 == in_process) {
        const report::Report report = report::build_report(*snapshot, build);
        ++reports;
        if (listed_tids(report) != tids) ++missing_threads;
      }
      if (snapshot->frozen_count() != tids.size()) ++incomplete;
    }
    for (int i = 0; i < through_binary; ++i) {
      const RunResult result = run_gmr({"dump", std::to_string(pid)});
      ++dumps;
      if (result.exit_code != cli::exit_complete) {
        ++failures;
        FAIL_CHECK("gmr dump ", i, " exited ", result.exit_code, ": ", result.err);
      }
      for (pid_t tid : tids)
        if (result.out.find("Thread " + std::to_string(tid) + " ") == std::string::npos)
          ++missing_threads;
    }
    sender.stop();
    CHECK(sender.failed == 0);
    CHECK(sender.lost == 0);
    // Sent = counted, once the last one has been handled.
    const Counters& c = file.get();
    CHECK(wait_until(10s, [&] { return c.usr1 == sender.usr1 && c.usr2 == sender.usr2; }));
    CHECK(c.usr1 == sender.usr1);
    CHECK(c.usr2 == sender.usr2);
    CHECK(sender.usr1 > 0);
    CHECK(sender.usr2 > 0);
    // The spawner keeps forking, so the two counters are equal only between a child's SIGCHLD and the next
    // fork (about 0.6 ms of every cycle): wait for such a moment rather than re-reading them after it.
    // A lost SIGCHLD would keep chld behind forked for good (and be counted in chld_late).
    CHECK_MESSAGE(wait_until(10s, [&] { return c.chld == c.forked; }), "chld ", c.chld, " forked ", c.forked);
    CHECK(c.forked > 0);
    CHECK(c.chld_late == 0);
    const bool let_go = wait_let_go(pid);
    CHECK_MESSAGE(let_go, "states: ", states_text(pid));
    CHECK(thread_ids(pid) == tids);
    CHECK(fixture.command("threads") == "4");
    report_figures("signals", "dumps=" + std::to_string(dumps) + " reports_built=" + std::to_string(reports) + " failures=" + std::to_string(failures) +
                                  " left_stopped=" + std::to_string(let_go ? 0 : 1) +
                                  " signals_sent=" + std::to_string(sender.usr1 + sender.usr2 + c.forked) +
                                  " signals_lost=" + std::to_string(sender.lost + c.chld_late) +
                                  " threads_missing=" + std::to_string(missing_threads) +
                                  " not_all_frozen=" + std::to_string(incomplete));
  }
  CHECK(failures == 0);
  CHECK(missing_threads == 0);
  CHECK(incomplete == 0);
}

}  // TEST_SUITE
