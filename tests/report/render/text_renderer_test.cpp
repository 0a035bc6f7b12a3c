#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "report/golden.hpp"
#include "report/sample_reports.hpp"
#include "report/render/text_renderer.hpp"

namespace {

std::string render(const gmr::report::Report& report) {
  std::ostringstream out;
  gmr::report::render_text(report, out);
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_SUITE("report::text") {
  TEST_CASE("a rich report renders exactly as its golden file") {
    gmr::test::check_golden("report_rich.txt", render(gmr::test::samples::rich_report()));
  }

  TEST_CASE("a report with every optional absent says unknown and matches its golden file") {
    gmr::test::check_golden("report_minimal.txt", render(gmr::test::samples::minimal_report()));
  }

  TEST_CASE("lock lines under each thread and the Deadlocks section match their golden file") {
    gmr::test::check_golden("report_locks.txt", render(gmr::test::samples::locks_report()));
  }

  TEST_CASE("no Deadlocks section without a cycle") {
    auto report = gmr::test::samples::locks_report();
    report.deadlocks.clear();
    CHECK(render(report).find("Deadlocks") == std::string::npos);
    CHECK(render(gmr::test::samples::rich_report()).find("Deadlocks") == std::string::npos);
  }

  TEST_CASE("rendering is a pure function of the report") {
    CHECK(render(gmr::test::samples::rich_report()) == render(gmr::test::samples::rich_report()));
  }

  TEST_CASE("sections come in order: header, Package, Threads, Processes") {
    const auto text = render(gmr::test::samples::minimal_report());
    const auto header = text.find("Guru Meditation Report");
    const auto package = text.find("Package");
    const auto threads = text.find("Threads");
    const auto processes = text.find("Processes");
    CHECK(header < package);
    CHECK(package < threads);
    CHECK(threads < processes);
    CHECK(processes != std::string::npos);
  }

  TEST_CASE("banner and thread header lines are exactly 72 columns wide") {
    for (const auto& line : lines_of(render(gmr::test::samples::rich_report()))) {
      if (line.starts_with("====") || line.starts_with("------")) CHECK(line.size() == 72);
    }
  }

  TEST_CASE("no line ends in blanks and nothing from the target reaches the terminal raw") {
    for (const auto& line : lines_of(render(gmr::test::samples::rich_report()))) {
      CHECK_FALSE(line.ends_with(' '));
      CHECK(line.find('\x1b') == std::string::npos);
    }
  }

  TEST_CASE("frame indices are padded to the widest index of their thread") {
    auto report = gmr::test::samples::minimal_report();
    auto& frames = report.threads[0].frames;
    frames.clear();
    for (int i = 0; i <= 10; ++i) frames.push_back(gmr::test::samples::frame(i, 0x401000 + i));
    const auto text = render(report);
    CHECK(text.find("\n#0  0x0000000000401000 ?? (no module)\n") != std::string::npos);
    CHECK(text.find("\n#10 0x000000000040100a ?? (no module)\n") != std::string::npos);
  }

  TEST_CASE("a not-consistent capture names its reason") {
    auto report = gmr::test::samples::minimal_report();
    report.capture.threads_found = 2;
    report.capture.threads_frozen = 1;
    SUBCASE("from the threads not frozen") {
      report.threads[0].frozen = false;
      CHECK(render(report).find("consistent   = no: thread 1234 not frozen\n") != std::string::npos);
    }
    SUBCASE("from the counts when no thread is marked") {
      report.threads[0].frozen = true;
      CHECK(render(report).find("consistent   = no: only 1 of 2 threads frozen\n") != std::string::npos);
    }
    SUBCASE("else pointing at the notes") {
      report.threads[0].frozen = true;
      report.capture.threads_frozen = 2;
      CHECK(render(report).find("consistent   = no: see notes\n") != std::string::npos);
    }
  }

  TEST_CASE("a Debian package not looked up says why, not that dpkg does not know it") {
    using Skip = gmr::report::Package::NotLookedUp;
    auto report = gmr::test::samples::minimal_report();
    report.package.package.reset();
    SUBCASE("looked up, not found") {
      CHECK(render(report).find("\npackage      = not known to dpkg\n") != std::string::npos);
    }
    SUBCASE("another mount namespace or root") {
      report.package.not_looked_up = Skip::other_root;
      CHECK(render(report).find("\npackage      = not looked up: other mount namespace or root\n") != std::string::npos);
    }
    SUBCASE("deleted executable") {
      report.package.not_looked_up = Skip::executable_deleted;
      CHECK(render(report).find("\npackage      = not looked up: executable deleted\n") != std::string::npos);
    }
    SUBCASE("no executable") {
      report.package.not_looked_up = Skip::no_executable;
      CHECK(render(report).find("\npackage      = not looked up: executable unknown\n") != std::string::npos);
    }
  }

  TEST_CASE("no configuration found names the symbol that was looked for") {
    auto report = gmr::test::samples::minimal_report();
    report.configuration.clear();
    CHECK(render(report).find("no configuration found: no gmr_config symbol and no sidecar file") != std::string::npos);
    report.config_symbol = "nope";
    const auto text = render(report);
    CHECK(text.find("no configuration found: no nope symbol and no sidecar file") != std::string::npos);
    CHECK(text.find("gmr_config") == std::string::npos);
  }

  TEST_CASE("tabs in a source line print as spaces to the next multiple of 8, other control bytes stay escaped") {
    auto report = gmr::test::samples::minimal_report();
    auto& frames = report.threads[0].frames;
    frames.clear();
    frames.push_back(gmr::test::samples::frame(0, 0x401000));
    frames[0].source = "int x;\t// x\tand\x1b[31m";
    const auto text = render(report);
    CHECK(text.find("\n    `int x;  // x    and\\x1b[31m`\n") != std::string::npos);
    CHECK(text.find("\\x09") == std::string::npos);
  }

  TEST_CASE("a deep run of calls from one call site is folded: the first two, how many more, the last") {
    using gmr::test::samples::named_frame;
    auto report = gmr::test::samples::minimal_report();
    auto& frames = report.threads[0].frames;
    frames = {named_frame(0, 0x7f0000001000, "read", 0x10, "libc.so.6")};
    for (int i = 1; i <= 20000; ++i) frames.push_back(named_frame(i, 0x401020, "rec", 0x20, "app"));
    frames.push_back(named_frame(20001, 0x401100, "main", 0x30, "app"));
    const auto lines = lines_of(render(report));
    CHECK(std::ranges::count(lines, "... 19,997 more calls of rec (#3-#19999)") == 1);
    CHECK(std::ranges::count_if(lines, [](const std::string& l) { return l.find(" rec+0x20 ") != std::string::npos; }) == 3);
    CHECK(std::ranges::count_if(lines, [](const std::string& l) { return l.starts_with("#1     0x"); }) == 1);
    CHECK(std::ranges::count_if(lines, [](const std::string& l) { return l.starts_with("#2     0x"); }) == 1);
    CHECK(std::ranges::count_if(lines, [](const std::string& l) { return l.starts_with("#20000 0x"); }) == 1);
    CHECK(std::ranges::count_if(lines, [](const std::string& l) { return l.starts_with("#20001 0x"); }) == 1);
  }

  TEST_CASE("mutual recursion folds by rounds, short runs are not folded") {
    using gmr::test::samples::named_frame;
    auto report = gmr::test::samples::minimal_report();
    auto& frames = report.threads[0].frames;
    frames.clear();
    for (int i = 0; i < 100; ++i)
      frames.push_back(i % 2 == 0 ? named_frame(i, 0x401020, "ping", 0x20, "app") : named_frame(i, 0x401060, "pong", 0x20, "app"));
    for (int i = 100; i < 105; ++i) frames.push_back(named_frame(i, 0x401200, "short", 0x8, "app"));
    const auto text = render(report);
    CHECK(text.find("\n... 47 more rounds of ping -> pong (#4-#97)\n") != std::string::npos);
    CHECK(text.find("more calls of short") == std::string::npos);
    CHECK(std::ranges::count(lines_of(text), std::string("#98  0x0000000000401020 ping+0x20 (app)")) == 1);
  }

  TEST_CASE("Python recursion folds like native recursion: the same function, file and line repeated") {
    using gmr::test::samples::python_frame;
    auto report = gmr::test::samples::minimal_report();
    auto& frames = report.threads[0].frames;
    frames = {python_frame(0, "descend", "/srv/deep.py", 26, "time.sleep(3600)")};
    for (int i = 1; i < 100; ++i) frames.push_back(python_frame(i, "descend", "/srv/deep.py", 23, "descend(n - 1)"));
    for (int i = 100; i < 160; ++i)
      frames.push_back(i % 2 == 0 ? python_frame(i, "ping", "/srv/deep.py", 31, "pong(n - 1)")
                                  : python_frame(i, "pong", "/srv/deep.py", 36, "ping(n - 1)"));
    // Same names, other lines: different calls, shown one by one.
    for (int i = 160; i < 166; ++i) frames.push_back(python_frame(i, "walk", "/srv/deep.py", 40 + i, "walk()"));
    const auto text = render(report);
    const auto lines = lines_of(text);
    CHECK(std::ranges::count(lines, "... 96 more calls of descend (#3-#98)") == 1);
    CHECK(std::ranges::count(lines, "... 27 more rounds of ping -> pong (#104-#157)") == 1);
    CHECK(std::ranges::count_if(lines, [](const std::string& l) { return l.ends_with(" in descend"); }) == 4);
    CHECK(std::ranges::count_if(lines, [](const std::string& l) { return l.ends_with(" in walk"); }) == 6);
    CHECK(text.find("more calls of walk") == std::string::npos);
  }

  TEST_CASE("--group: waits each on a condition of its own are one line by where they are, shared ones by name") {
    using gmr::report::Wait;
    using gmr::symbolize::AddressName;
    auto report = gmr::test::samples::minimal_report();
    auto waiting = [](pid_t tid, std::uint64_t address, AddressName where) {
      gmr::report::Thread t;
      t.tid = tid;
      t.frozen = true;
      t.frames = {gmr::test::samples::named_frame(0, 0x7f0000001000, "__futex_abstimed_wait_common", 0x10, "libc.so.6")};
      Wait wait;
      wait.kind = Wait::Kind::condition;
      wait.syscall = "futex";
      wait.address = address;
      wait.object = where;
      t.wait = wait;
      return t;
    };
    const auto own_stack = [](pid_t tid) { return AddressName{.kind = AddressName::Kind::stack, .tid = tid}; };
    const auto shared = gmr::test::samples::symbol("app::ready");
    report.threads = {waiting(20, 0x7f0000100000, own_stack(20)), waiting(21, 0x7f0000200000, own_stack(21)),
                      waiting(22, 0x7f0000300000, own_stack(22)), waiting(23, 0x55d000001000, shared),
                      waiting(24, 0x55d000001000, shared)};
    // Thread 25 waits on thread 20's stack: not its own, shown by address.
    report.threads.push_back(waiting(25, 0x7f0000100100, own_stack(20)));
    report.groups = {gmr::report::ThreadGroup{.tids = {20, 21, 22, 23, 24, 25}, .names = {{std::nullopt, 6}}}};
    const auto text = render(report);
    CHECK(text.find("\n- waiting on a condition of its own, on its stack (3 threads)\n") != std::string::npos);
    CHECK(text.find("\n- waiting on condition app::ready (2 threads)\n") != std::string::npos);
    CHECK(text.find("\n- waiting on condition stack of thread 20 0x7f0000100100 (1 thread)\n") != std::string::npos);
    CHECK(text.find("stack of thread 21") == std::string::npos);
  }
}
