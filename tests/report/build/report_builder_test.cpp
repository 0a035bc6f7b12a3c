// build_report() on hand-made snapshots: the sections that do not need an unwind.
#include <doctest/doctest.h>

#include <unistd.h>

#include <regex>

#include "support/self_snapshot.hpp"
#include "report/build/report_builder.hpp"

namespace {

using namespace gmr;

attach::ThreadSnapshot thread(pid_t tid, attach::FreezeState freeze) {
  attach::ThreadSnapshot t;
  t.facts.tid = tid;
  t.facts.name = "t" + std::to_string(tid);
  t.facts.state = 'S';
  t.freeze = freeze;
  return t;
}

}  // namespace

TEST_SUITE("report::report_builder") {

TEST_CASE("exited threads are dropped with a note, not-frozen ones stay, marked, and make it partial") {
  using Note = report::CaptureNote;
  attach::Snapshot snapshot;
  snapshot.pid = 100;
  snapshot.cmdline = {"/usr/bin/demo", "--flag"};
  snapshot.kernel_release = "6.1.0-test";
  snapshot.stop_window = std::chrono::microseconds(420);
  snapshot.freeze_timeout = std::chrono::milliseconds(250);
  snapshot.threads_vanished = 4;
  snapshot.threads.push_back(thread(100, attach::FreezeState::not_frozen));
  snapshot.threads.push_back(thread(101, attach::FreezeState::exited));
  snapshot.threads.push_back(thread(102, attach::FreezeState::exited));
  snapshot.threads.push_back(thread(103, attach::FreezeState::frozen));  // frozen, but no registers
  snapshot.threads.back().facts_before_freeze = false;                   // born during the freeze

  const report::Report report = report::build_report(snapshot, {});
  CHECK(std::regex_match(report.gmr_version, std::regex(R"(\d+\.\d+\.\d+)")));
  CHECK(report.capture.pid == 100);
  CHECK(report.capture.cmdline == snapshot.cmdline);
  CHECK(report.capture.threads_found == 2);
  CHECK(report.capture.threads_frozen == 1);
  CHECK(report.capture.stop_window == std::chrono::microseconds(420));
  CHECK_FALSE(report.capture.consistent);
  CHECK(report.capture.notes == std::vector<Note>{
                                    {.kind = Note::Kind::threads_appeared, .count = 1},
                                    {.kind = Note::Kind::threads_vanished, .count = 4},
                                    {.kind = Note::Kind::thread_not_frozen, .tid = 100, .timeout = snapshot.freeze_timeout},
                                    {.kind = Note::Kind::threads_exited, .count = 2},
                                });
  CHECK(report.package.kernel_release == "6.1.0-test");

  REQUIRE(report.threads.size() == 2);
  CHECK(report.threads[0].tid == 100);
  CHECK_FALSE(report.threads[0].frozen);
  CHECK(report.threads[0].errors == std::vector<report::ThreadError>{{.kind = report::ThreadError::Kind::not_frozen}});
  CHECK(report.threads[1].tid == 103);
  CHECK(report.threads[1].frozen);
  CHECK(report.threads[1].errors == std::vector<report::ThreadError>{{.kind = report::ThreadError::Kind::no_registers}});
  CHECK(report.threads[1].frames.empty());
  CHECK(report.partial());
}

TEST_CASE("processes get their user names from the password database") {
  attach::Snapshot snapshot;
  snapshot.pid = 1;
  attach::ProcessFacts root;
  root.pid = 1;
  root.ppid = 0;
  root.uid = 0;
  root.state = 'S';
  root.name = "init";
  root.cmdline = {"/sbin/init"};
  attach::ProcessFacts child = root;
  child.pid = 2;
  child.ppid = 1;
  child.depth = 1;
  child.uid = 0x7ffffff0;  // no such user
  attach::ProcessFacts unknown = root;
  unknown.pid = 3;
  unknown.uid.reset();
  snapshot.processes = {root, child, unknown};

  const report::Report report = report::build_report(snapshot, {});
  REQUIRE(report.processes.size() == 3);
  CHECK(report.processes[0].user == std::optional<std::string>("root"));
  CHECK(report.processes[0].name == std::optional<std::string>("init"));
  CHECK(report.processes[0].cmdline == std::vector<std::string>{"/sbin/init"});
  CHECK(report.processes[1].depth == 1);
  CHECK(report.processes[1].ppid == 1);
  CHECK_FALSE(report.processes[1].user.has_value());
  CHECK_FALSE(report.processes[2].user.has_value());
}

TEST_CASE("the package section: executable, its build-id from the mapped file, its Debian package") {
  // This test binary is mapped but not packaged; dpkg-query itself is packaged.
  attach::Snapshot snapshot = test::self_snapshot();
  snapshot.kernel_release = "k";
  report::Report report = report::build_report(snapshot, {});
  CHECK(report.package.executable == snapshot.exe_path);
  CHECK_FALSE(report.package.executable_deleted);
  REQUIRE(report.package.build_id.has_value());
  CHECK(report.package.build_id->size() == 40);
  CHECK_FALSE(report.package.package.has_value());
  CHECK_FALSE(report.package.package_version.has_value());

  snapshot.exe_path = "/usr/bin/dpkg-query";
  report = report::build_report(snapshot, {});
  CHECK(report.package.package == std::optional<std::string>("dpkg"));
  CHECK(report.package.package_version.has_value());
  CHECK_FALSE(report.package.build_id.has_value());  // not mapped in this snapshot

  snapshot.exe_deleted = true;  // the running file is not what dpkg has now
  report = report::build_report(snapshot, {});
  CHECK(report.package.executable_deleted);
  CHECK_FALSE(report.package.package.has_value());
}

TEST_CASE("a snapshot with no maps at all still gives a report, frozen threads say why they have no frames") {
  attach::Snapshot snapshot;
  snapshot.pid = 99999;
  attach::ThreadSnapshot t = thread(99999, attach::FreezeState::frozen);
  t.registers = user_regs_struct{};
  snapshot.threads.push_back(t);
  const report::Report report = report::build_report(snapshot, {});
  REQUIRE(report.threads.size() == 1);
  CHECK(report.threads[0].frozen);
  CHECK(report.threads[0].frames.empty());
  REQUIRE(report.threads[0].errors.size() == 1);
  CHECK(report.threads[0].errors[0].kind == report::ThreadError::Kind::unwind_unavailable);
  CHECK(report.threads[0].errors[0].detail.has_value());
}

TEST_CASE("--threads: only the threads asked for, in the snapshot's order, whatever the order asked") {
  attach::Snapshot snapshot;
  snapshot.pid = 100;
  for (pid_t tid : {100, 101, 102, 103, 104}) snapshot.threads.push_back(thread(tid, attach::FreezeState::not_frozen));
  report::BuildOptions options;
  options.threads = std::vector<pid_t>{104, 100, 102, 999};
  const report::Report report = report::build_report(snapshot, options);
  std::vector<pid_t> shown;
  for (const auto& t : report.threads) shown.push_back(t.tid);
  CHECK(shown == std::vector<pid_t>{100, 102, 104});
  CHECK(report.capture.thread_filter == options.threads);
}

}  // TEST_SUITE
