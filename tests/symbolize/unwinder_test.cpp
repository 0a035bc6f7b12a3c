// The unwinder on a real capture: every frame carries its stack pointer, which is what places an eval
// loop's C-stack marker (report/build/python_merge.hpp): the innermost frame's is the thread's rsp, each
// caller's is at or above its callee's (the stack grows down), and all lie in the thread's copied stack.
#include <doctest/doctest.h>

#include "attach/live_files.hpp"
#include "support/process.hpp"
#include "support/report_view.hpp"
#include "symbolize/snapshot_dwfl.hpp"
#include "symbolize/unwinder.hpp"

using namespace gmr;

TEST_SUITE("symbolize::unwinder") {
  TEST_CASE("every frame records its stack pointer: rsp first, then non-decreasing, inside the copied stack") {
    test::Fixture fixture("fixture_threads_cpp");
    const attach::Snapshot snapshot = test::capture_or_throw(fixture.pid());
    const attach::LiveFiles files(attach::layout_of(snapshot));
    symbolize::OpenedSession session = symbolize::SnapshotDwfl::open(snapshot, files);
    REQUIRE(session.has_value());
    std::size_t threads = 0;
    std::size_t frames = 0;
    for (const auto& thread : snapshot.threads) {
      if (!thread.registers || !thread.stack) continue;
      CAPTURE(thread.facts.tid);
      const symbolize::RawUnwind unwind = symbolize::unwind_thread(**session, thread.facts.tid, 256);
      REQUIRE(unwind.frames.size() >= 3);
      REQUIRE(unwind.frames.front().sp.has_value());
      CHECK(*unwind.frames.front().sp == thread.registers->rsp);
      for (std::size_t i = 0; i < unwind.frames.size(); ++i) {
        CAPTURE(i);
        const auto& frame = unwind.frames[i];
        REQUIRE(frame.sp.has_value());
        CHECK(thread.stack->contains(*frame.sp, 0));
        if (i > 0) CHECK(*frame.sp >= *unwind.frames[i - 1].sp);
        ++frames;
      }
      // The outermost frame's caller pushed at least a return address: strictly above the innermost.
      CHECK(*unwind.frames.back().sp > *unwind.frames.front().sp);
      ++threads;
    }
    CHECK(threads >= 2);
    MESSAGE(threads << " threads, " << frames << " frames, each with its stack pointer");
  }
}
