// Torture 2: the target creates and joins threads as fast as it can (far above 1,000/s) while it is dumped
// 200 times (2,000 with GMR_LONG=1). Every dump is complete or clearly partial, never wrong: its stable
// threads are all there, frozen, with their true frames; every other thread listed is either frozen and
// unwound or marked as not; threads that came or went during the freeze are counted in a note. The target
// is unaffected: same stable threads, never left stopped or traced, and it churns on.
#include <doctest/doctest.h>

#include <algorithm>
#include <iterator>
#include <thread>

#include "attach/capture.hpp"
#include "support/process.hpp"
#include "support/report_view.hpp"
#include "report/build/report_builder.hpp"
#include "torture/torture.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;

bool has_function(const report::Thread& thread, const std::string& function) {
  return std::any_of(thread.frames.begin(), thread.frames.end(),
                     [&](const report::Frame& f) { return f.function == function; });
}

// The threads present in three looks 50 ms apart: main, stable-*, churner (a kid lives microseconds; before
// it names itself it carries its creator's name, so names alone cannot tell).
std::vector<pid_t> lasting_threads(pid_t pid) {
  std::vector<pid_t> lasting = thread_ids(pid);
  for (int look = 0; look < 2; ++look) {
    std::this_thread::sleep_for(50ms);
    const std::vector<pid_t> now = thread_ids(pid);
    std::vector<pid_t> both;
    std::set_intersection(lasting.begin(), lasting.end(), now.begin(), now.end(), std::back_inserter(both));
    lasting = both;
  }
  return lasting;
}

}  // namespace

TEST_SUITE("torture::churn") {

TEST_CASE("dumps during thread churn are complete or clearly partial, and the target churns on") {
  const int dumps = count(200, 2000);
  Fixture fixture("fixture_torture", {.args = {"churn"}, .wait_quiescent = false});
  const pid_t pid = fixture.pid();
  const std::vector<pid_t> stable = lasting_threads(pid);
  REQUIRE(stable.size() == 5);
  const long churned_before = std::stol(fixture.command("churned"));
  const auto started = std::chrono::steady_clock::now();

  report::BuildOptions build;
  build.source_lines = false;
  build.max_frames = 32;
  int failures = 0, wrong = 0, partial = 0, kids_seen = 0;
  for (int i = 0; i < dumps; ++i) {
    CAPTURE(i);
    auto snapshot = attach::capture(pid, {});
    if (!snapshot) {
      ++failures;
      FAIL_CHECK("capture: ", snapshot.error().message);
      continue;
    }
    for (pid_t tid : stable) {
      auto it = std::find_if(snapshot->threads.begin(), snapshot->threads.end(),
                             [&](const attach::ThreadSnapshot& t) { return t.facts.tid == tid; });
      if (it == snapshot->threads.end() || it->freeze != attach::FreezeState::frozen) ++wrong;
    }
    for (const auto& t : snapshot->threads) {
      // Frozen means registers and a stack (or a line saying why not); anything else is marked.
      if (t.freeze == attach::FreezeState::frozen && !t.registers && !t.error) ++wrong;
      if (t.freeze == attach::FreezeState::frozen && t.registers && !t.stack && !t.error) ++wrong;
    }
    if (i % 20 != 0) continue;  // naming every 20th: ~0.3 s each
    const report::Report report = report::build_report(*snapshot, build);
    partial += report.partial();
    for (const auto& thread : report.threads) {
      INFO(describe_frames(thread));
      if (std::find(stable.begin(), stable.end(), thread.tid) == stable.end()) {
        ++kids_seen;
        // A churn kid: frozen somewhere in its short life, or marked; never an unexplained empty stack.
        if (thread.frozen && thread.frames.empty() && thread.errors.empty()) ++wrong;
        continue;
      }
      if (thread.name == "stable-0" || thread.name == "stable-1") {
        CHECK(thread.frozen);
        CHECK(has_function(thread, "sleeper"));
        CHECK(thread.errors.empty());
      } else if (thread.name == "churner") {
        // In pthread_create or pthread_join, through clone3 or futex: its own frame is there, or it says why not.
        CHECK((has_function(thread, "churner") || !thread.errors.empty()));
      }
    }
  }
  const bool let_go = wait_let_go(pid);
  CHECK_MESSAGE(let_go, "states: ", states_text(pid));
  CHECK(lasting_threads(pid) == stable);
  const long churned_after = std::stol(fixture.command("churned"));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(churned_after > churned_before);
  CHECK(wait_until(5s, [&] { return std::stol(fixture.command("churned")) > churned_after + 1000; }));
  CHECK(failures == 0);
  CHECK(wrong == 0);
  report_figures("churn", "dumps=" + std::to_string(dumps) + " failures=" + std::to_string(failures) +
                              " wrong=" + std::to_string(wrong) + " partial_reports=" + std::to_string(partial) +
                              " kids_listed=" + std::to_string(kids_seen) +
                              " threads_churned=" + std::to_string(churned_after - churned_before) +
                              " churn_per_s=" + std::to_string(static_cast<long>((churned_after - churned_before) / seconds)) +
                              " left_stopped=" + std::to_string(let_go ? 0 : 1));
}

}  // TEST_SUITE
