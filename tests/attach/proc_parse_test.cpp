#include <doctest/doctest.h>

#include "attach/proc_parse.hpp"

using namespace gmr::attach;

TEST_SUITE("attach::proc_parse") {
  TEST_CASE("stat: a comm with spaces and parentheses is taken up to the last ')'") {
    auto f = parse_stat("4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 3 0 1 2 3\n");
    REQUIRE(f);
    CHECK(f->name == "a (b) c");
    CHECK(f->state == 'S');
    CHECK(f->ppid == 1);
    CHECK(f->flags == 4194560);
    CHECK(f->utime == 250);
    CHECK(f->stime == 75);
  }

  TEST_CASE("stat: truncated or garbled text is rejected") {
    CHECK_FALSE(parse_stat(""));
    CHECK_FALSE(parse_stat("12 (x) S 1 2"));
    CHECK_FALSE(parse_stat("12 x) S 1 2 3 4 5 6 7 8 9 10 11 12 13"));
    CHECK_FALSE(parse_stat("12 (x) SS 1 2 3 4 5 6 7 8 9 10 11 12"));
    CHECK_FALSE(parse_stat("12 (x) S one 2 3 4 5 6 7 8 9 10 11 12"));
  }

  TEST_CASE("status: the fields gmr uses") {
    auto s = parse_status("Name:\tfoo\nState:\tS (sleeping)\nTgid:\t10\nPid:\t11\nPPid:\t1\nTracerPid:\t0\n"
                          "Uid:\t1000\t1001\t1002\t1003\nCapPrm:\t000001ffffffffff\nCapEff:\t0000000000080000\n");
    CHECK(s.state == 'S');
    CHECK(s.tgid == 10);
    CHECK(s.ppid == 1);
    CHECK(s.tracer_pid == 0);
    REQUIRE(s.uids);
    CHECK((*s.uids)[0] == 1000);
    CHECK((*s.uids)[2] == 1002);
    CHECK(s.cap_permitted == 0x1ffffffffffULL);
    CHECK(s.cap_effective == 0x80000ULL);
  }

  TEST_CASE("status: missing or malformed fields stay absent") {
    auto s = parse_status("Uid:\t1000\t1000\nTgid:\tx\nno colon here\n");
    CHECK_FALSE(s.uids);
    CHECK_FALSE(s.tgid);
    CHECK_FALSE(s.state);
  }

  TEST_CASE("syscall: in a syscall, outside one, running") {
    auto in = parse_syscall("202 0x7f00 0x80 0x2 0x0 0x0 0x0 0x7ffd10 0x7f1234\n");
    REQUIRE(in);
    CHECK(in->number == 202);
    CHECK(in->args[0] == 0x7f00);
    CHECK(in->args[2] == 2);
    CHECK(in->sp == 0x7ffd10);
    CHECK(in->pc == 0x7f1234);

    auto out = parse_syscall("-1 0x7ffd10 0x7f1234\n");
    REQUIRE(out);
    CHECK_FALSE(out->number);
    CHECK(out->pc == 0x7f1234);

    auto running = parse_syscall("running\n");
    REQUIRE(running);
    CHECK(running->running);

    CHECK_FALSE(parse_syscall("202 0x1 0x2\n"));
    CHECK_FALSE(parse_syscall(""));
  }

  TEST_CASE("maps: paths with spaces, deleted files, anonymous and special mappings") {
    auto maps = parse_maps(
        "55d0c0000000-55d0c0001000 r--p 00000000 fd:01 1234  /opt/my app/bin (deleted)\n"
        "55d0c0001000-55d0c0002000 r-xp 00001000 fd:01 1234  /opt/my app/bin (deleted)\n"
        "7f0000000000-7f0000021000 rw-p 00000000 00:00 0 \n"
        "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]\n"
        "garbage line\n"
        "7ffd00100000-7ffd00102000 r-xp 00000000 00:00 0                          [vdso]");
    REQUIRE(maps.size() == 5);
    CHECK(maps[0].path == "/opt/my app/bin");
    CHECK(maps[0].deleted);
    CHECK(maps[1].executable());
    CHECK(maps[1].offset == 0x1000);
    CHECK(maps[1].file_backed());
    CHECK(maps[2].path.empty());
    CHECK_FALSE(maps[2].file_backed());
    CHECK(maps[3].path == "[stack]");
    CHECK(maps[4].path == "[vdso]");
    CHECK(maps[4].end - maps[4].start == 0x2000);
  }

  TEST_CASE("map ranges: the lines parse_maps keeps, sorted, the vDSO marked") {
    const std::string text =
        "7ffd00100000-7ffd00102000 r-xp 00000000 00:00 0                          [vdso]\n"
        "55d0c0001000-55d0c0002000 r-xp 00001000 fd:01 1234  /opt/my app/[vdso]\n"
        "garbage line\n"
        "55d0c0000000-55d0c0001000 r--p 00000000 fd:01 1234  /opt/my app/bin (deleted)\n";
    const auto ranges = parse_map_ranges(text);
    const auto maps = parse_maps(text);
    REQUIRE(ranges.size() == 3);
    REQUIRE(maps.size() == 3);
    CHECK(ranges[0].start == 0x55d0c0000000);
    CHECK(ranges[0].end == 0x55d0c0001000);
    CHECK(ranges[1].start == 0x55d0c0001000);
    CHECK_FALSE(ranges[1].vdso);
    CHECK(ranges[2].start == 0x7ffd00100000);
    CHECK(ranges[2].end == 0x7ffd00102000);
    CHECK(ranges[2].vdso);
  }

  TEST_CASE("cmdline: NUL-separated, final NUL optional") {
    CHECK(parse_cmdline(std::string_view("a\0b c\0", 6)) == std::vector<std::string>{"a", "b c"});
    CHECK(parse_cmdline(std::string_view("a\0b", 3)) == std::vector<std::string>{"a", "b"});
    CHECK(parse_cmdline("").empty());
  }

  TEST_CASE("cmdline: the NUL padding of a rewritten title is no arguments, empty arguments inside stay") {
    using namespace std::string_view_literals;
    CHECK(parse_cmdline("nginx: worker process\0\0\0\0\0\0\0\0"sv) == std::vector<std::string>{"nginx: worker process"});
    CHECK(parse_cmdline("/usr/bin/redis-server *:6379\0\0\0"sv) ==
          std::vector<std::string>{"/usr/bin/redis-server *:6379"});
    CHECK(parse_cmdline("sh\0-c\0\0x\0"sv) == std::vector<std::string>{"sh", "-c", "", "x"});
    CHECK(parse_cmdline("\0\0\0"sv).empty());
  }
}
