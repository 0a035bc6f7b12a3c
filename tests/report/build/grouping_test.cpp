// --group and --format folded on hand-made reports.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "report/render/folded_renderer.hpp"
#include "report/build/grouping.hpp"
#include "report/sample_reports.hpp"
#include "report/render/text_renderer.hpp"

namespace {

using namespace gmr;

report::Thread with_stack(pid_t tid, std::string name, std::vector<std::uint64_t> pcs) {
  report::Thread t;
  t.tid = tid;
  t.name = std::move(name);
  t.frozen = true;
  for (std::size_t i = 0; i < pcs.size(); ++i) {
    auto f = test::samples::named_frame(static_cast<int>(i), pcs[i], "f" + std::to_string(pcs[i]), 4, test::samples::libc);
    t.frames.push_back(f);
  }
  return t;
}

report::Report crowd() {
  auto report = test::samples::minimal_report();
  report.package.executable = "/usr/bin/server";
  report.threads = {with_stack(5, "main", {1, 2}),     with_stack(6, "pool", {3, 4}), with_stack(7, "pool", {3, 4}),
                    with_stack(8, "pool", {3, 4}),     with_stack(10, "io", {5, 4}), with_stack(11, "other", {3, 4})};
  report::Thread lost;
  lost.tid = 12;
  report.threads.push_back(lost);
  return report;
}

}  // namespace

TEST_SUITE("report::group") {

TEST_CASE("identical frame chains form one group, largest first, ties by lowest tid") {
  const auto groups = report::group_threads(crowd().threads);
  REQUIRE(groups.size() == 4);
  CHECK(groups[0].tids == std::vector<pid_t>{6, 7, 8, 11});
  CHECK(groups[1].tids == std::vector<pid_t>{5});
  CHECK(groups[2].tids == std::vector<pid_t>{10});
  CHECK(groups[3].tids == std::vector<pid_t>{12});
}

TEST_CASE("each group names its threads once: distinct names with counts, in tid order, unknown names too") {
  auto threads = crowd().threads;
  std::ranges::reverse(threads);  // the order of the report's threads does not matter
  const auto groups = report::group_threads(threads);
  REQUIRE(groups.size() == 4);
  using Name = report::ThreadGroup::Name;
  CHECK(groups[0].names == std::vector<Name>{{"pool", 3}, {"other", 1}});
  CHECK(groups[1].names == std::vector<Name>{{"main", 1}});
  CHECK(groups[3].names == std::vector<Name>{{std::nullopt, 1}});
}

TEST_CASE("an inlined frame at the same pc makes a different chain") {
  auto a = with_stack(1, "a", {1, 2});
  auto b = with_stack(2, "b", {1, 2});
  b.frames[0].inlined = true;
  CHECK(report::group_threads({a, b}).size() == 2);
}

TEST_CASE("grouped text: count header, tid ranges, names with counts, one stack") {
  auto report = crowd();
  report.groups = report::group_threads(report.threads);
  std::ostringstream out;
  report::render_text(report, out);
  const std::string text = out.str();
  CHECK(text.find("4 threads") != std::string::npos);
  CHECK(text.find("\ntids         = 6-8, 11\n") != std::string::npos);
  CHECK(text.find("\nnames        = \"pool\" (3), \"other\" (1)\n") != std::string::npos);
  CHECK(text.find("\nnames        = (name unknown) (1)\n") != std::string::npos);
  CHECK(text.find("1 thread ") != std::string::npos);
  CHECK(text.find("Thread 7") == std::string::npos);
}

TEST_CASE("grouped text: each distinct lock line once with its count, holds with their thread") {
  auto report = crowd();
  report::Wait cond;
  cond.kind = report::Wait::Kind::condition;
  cond.address = 0x2000;
  cond.object = test::samples::symbol("app::ready");
  for (auto& thread : report.threads)
    if (thread.tid == 6 || thread.tid == 7 || thread.tid == 11) thread.wait = cond;
  report.threads[2].holds.push_back({0x1000, test::samples::symbol("app::lock"), 2, {}, false});  // tid 7
  report::Wait read;
  read.syscall = "read";
  report.threads[0].wait = read;  // tid 5, alone in its group
  report.groups = report::group_threads(report.threads);
  std::ostringstream out;
  report::render_text(report, out);
  const std::string text = out.str();
  CHECK(text.find("\n- waiting on condition app::ready (3 threads)\n- thread 7 holds app::lock (2 waiters)\n\n") !=
        std::string::npos);
  CHECK(text.find("\n- blocked in read\n") != std::string::npos);
}

TEST_CASE("folded: program, then outermost to innermost frame joined by semicolons, COUNT, counts sum to the threads") {
  std::ostringstream out;
  report::render_folded(crowd(), out);
  CHECK(out.str() ==
        "server;f4;f3 4\n"
        "server;[not frozen] 1\n"
        "server;f2;f1 1\n"
        "server;f4;f5 1\n");
}

TEST_CASE("folded frames never contain the separators and fall back to module+offset or the pc") {
  report::Frame frame = test::samples::frame(0, 0x1234);
  CHECK(report::folded_frame(frame) == "0x1234");
  frame.module = "/usr/lib/libfoo.so";
  frame.module_offset = 0x34;
  CHECK(report::folded_frame(frame) == "libfoo.so+0x34");
  frame.function = "ns::f(a;b)\n";
  CHECK(report::folded_frame(frame) == "ns::f(a:b)\\x0a");
}

}  // TEST_SUITE
