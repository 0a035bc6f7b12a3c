// Hand-made Reports for renderer tests: a rich one that uses every field, and a minimal one where every
// optional is absent. Shared so that later renderers (JSON, folded) can be tested on the same values.
#pragma once

#include <csignal>
#include <chrono>
#include <string>

#include "report/report.hpp"

namespace gmr::test::samples {

inline report::Frame frame(int index, std::uint64_t pc) {
  report::Frame f;
  f.index = index;
  f.pc = pc;
  return f;
}

inline report::Frame named_frame(int index, std::uint64_t pc, std::string function, std::uint64_t offset,
                                 std::string module) {
  auto f = frame(index, pc);
  f.function = std::move(function);
  f.function_offset = offset;
  f.module = std::move(module);
  return f;
}

inline report::Frame& at(report::Frame& f, std::string file, int line, std::optional<int> column = {}) {
  f.file = std::move(file);
  f.line = line;
  f.column = column;
  return f;
}

/// An address named by the data symbol `name`, `offset` bytes in.
inline symbolize::AddressName symbol(std::string name, std::uint64_t offset = 0) {
  return {.kind = symbolize::AddressName::Kind::symbol, .symbol = std::move(name), .offset = offset};
}

inline constexpr const char* libc = "/usr/lib/x86_64-linux-gnu/libc.so.6";
inline constexpr const char* redis = "/usr/bin/redis-server";

inline report::Thread main_thread() {
  using namespace std::chrono_literals;
  report::Thread t;
  t.tid = 4242;
  t.name = "redis-server";
  t.state = 'S';
  t.cpu_user = 1'250'000us;
  t.cpu_system = 339'500us;
  t.syscall = report::BlockedSyscall{232, "epoll_wait", {5, 0x7f3a1c2e4000, 10128, 100, 0, 0}};
  t.wchan = "do_epoll_wait";
  t.frozen = true;
  auto f0 = named_frame(0, 0x7f3a1c91e0a6, "epoll_wait", 0x56, libc);
  at(f0, "../sysdeps/unix/sysv/linux/epoll_wait.c", 30, 10).source =
      "return SYSCALL_CANCEL (epoll_wait, epfd, events, maxevents, timeout);";
  auto f1 = frame(1, 0x55d0c41a3f21);
  f1.inlined = true;
  f1.function = "aeApiPoll";
  f1.module = redis;
  at(f1, "ae_epoll.c", 113, 15).source = "retval = epoll_wait(state->epfd,state->events,eventLoop->setsize,";
  auto f2 = named_frame(2, 0x55d0c41a3f21, "aeProcessEvents", 0x1d1, redis);
  at(f2, "ae.c", 404, 23).source = "numevents = aeApiPoll(eventLoop, tvp);";
  auto f3 = named_frame(3, 0x55d0c41a46cd, "aeMain", 0x1d, redis);
  at(f3, "ae.c", 496);
  auto f4 = named_frame(4, 0x55d0c4196e51, "main", 0x3a1, redis);
  at(f4, "server.c", 7292, 5).source = "aeMain(server.el);";
  auto f5 = named_frame(5, 0x7f3a1c84624a, "__libc_start_call_main", 0x7a, libc);
  at(f5, "../sysdeps/nptl/libc_start_call_main.h", 58, 16);
  t.frames = {f0, f1, f2, f3, f4, f5};
  return t;
}

inline report::Thread worker_thread() {
  using namespace std::chrono_literals;
  report::Thread t;
  t.tid = 4243;
  t.name = "bio_close_file";
  t.state = 'S';
  t.state_name = "sleeping";
  t.cpu_user = 0us;
  t.cpu_system = 10'000us;
  t.syscall = report::BlockedSyscall{202, "futex", {0x55d0c5e1a2b8, 0x189, 0, 0, 0, 0xffffffff}};
  t.wchan = "futex_wait_queue";
  t.frozen = true;
  t.stop = report::Stop{report::Stop::Kind::signal_delivery, SIGUSR1};
  auto f0 = named_frame(0, 0x7f3a1c8a1d36, "__futex_abstimed_wait_common", 0x36, libc);
  at(f0, "./nptl/futex-internal.c", 57, 12).source = "int err = INTERNAL_SYSCALL_CANCEL (futex_time64, futex_word, op, expected,";
  auto f1 = frame(1, 0x7f3a1b2c5e10);
  f1.module = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
  f1.module_offset = 0x3de10;
  auto f2 = frame(2, 0x7f00dead0042);  // JIT code: no module, no symbol
  auto f3 = named_frame(3, 0x7f3a1c8a5044, "start_thread", 0x2f4, libc);
  at(f3, "./nptl/pthread_create.c", 442, 8);
  t.frames = {f0, f1, f2, f3};
  t.frames_truncated = true;
  return t;
}

inline report::Thread stuck_thread() {
  using namespace std::chrono_literals;
  report::Thread t;
  t.tid = 4244;
  t.name = "bio_lazy_free";
  t.state = 'D';
  t.cpu_user = 42'000us;
  t.cpu_system = 1'234'567us;
  t.syscall = report::BlockedSyscall{0, "read", {7, 0x7f3a10000b70, 4096, 0, 0, 0}};
  t.wchan = "folio_wait_bit_common";
  t.frozen = false;
  t.errors = {{.kind = report::ThreadError::Kind::not_frozen}};
  return t;
}

inline report::Thread odd_thread() {
  report::Thread t;
  t.tid = 4246;
  t.syscall = report::BlockedSyscall{451, std::nullopt, {1, 2, 3, 0, 0, 0}};
  t.frozen = true;
  t.errors = {{.kind = report::ThreadError::Kind::unwind_stopped,
               .after = report::ThreadError::After{0, 0x7f3a1c000010},
               .detail = "no matching address range"}};
  auto f0 = named_frame(0, 0x7f3a1c000010, "spin\x1b[2J", 0x10, "/opt/plugin dir/libspin.so");
  t.frames = {f0};
  return t;
}

inline report::Process process(pid_t pid, pid_t ppid, int depth, std::optional<uid_t> uid,
                               std::optional<std::string> user, char state, std::optional<std::string> name,
                               std::vector<std::string> cmdline) {
  report::Process p;
  p.pid = pid;
  p.ppid = ppid;
  p.depth = depth;
  p.uid = uid;
  p.user = std::move(user);
  p.state = state;
  p.name = std::move(name);
  p.cmdline = std::move(cmdline);
  return p;
}

inline report::ConfigBlock config_from_symbol() {
  report::ConfigBlock b;
  b.source = {report::ConfigSource::Kind::symbol, "gmr_config", redis, "const char*", std::nullopt, std::nullopt};
  using report::MaskReason;
  b.shape = report::ConfigShape::ini;
  b.groups = {
      {"DEFAULT", {{"debug", {"False"}, {}}, {"requirepass", {"***"}, {{0, 0, MaskReason::mask_pattern}}}}},
      {"replication", {{"masters", {"10.0.0.1:6379", "10.0.0.2:6379"}, {}},
                       {"motd", {"first line\nsecond line"}, {}},
                       {"url", {"redis://default:***@10.0.0.1:6379/0"}, {{0, 16, MaskReason::url_password}}}}},
  };
  return b;
}

inline report::ConfigBlock config_from_file() {
  report::ConfigBlock b;
  b.source = {report::ConfigSource::Kind::file, "redis.conf", std::nullopt, std::nullopt, "--config-file",
              "/etc/redis/redis.conf"};
  b.shape = report::ConfigShape::text;
  b.text = "bind 127.0.0.1\nport 6379\nrequirepass ***";
  b.masks = {{37, 3, "requirepass", report::MaskReason::secret_key}};
  b.truncated = true;
  return b;
}

inline report::ConfigBlock config_unreadable() {
  report::ConfigBlock b;
  b.source = {report::ConfigSource::Kind::file, "/etc/redis/extra.conf", std::nullopt, std::nullopt, "GMR_SIDECAR",
              std::nullopt};
  b.error = "cannot open '/etc/redis/extra.conf': Permission denied";
  return b;
}

inline report::ConfigBlock text_block() {
  report::ConfigBlock b;
  b.source = {report::ConfigSource::Kind::symbol, "gmr_section_Replication", redis, "char[128]", std::nullopt,
              std::nullopt};
  b.shape = report::ConfigShape::yaml;
  b.text = "role: master\nconnected_slaves: 0\n";
  return b;
}

inline report::Report rich_report() {
  using namespace std::chrono;
  report::Report r;
  r.gmr_version = "0.1.0";
  auto& c = r.capture;
  c.pid = 4242;
  c.cmdline = {redis, "*:6379", "--logfile", "/var/log/redis/redis server.log"};
  c.name = "redis-server";
  c.uid = 998;
  c.user = "redis";
  c.captured_at = sys_days{year{2024} / 5 / 1} + hours{12} + minutes{34} + seconds{56} + microseconds{123456};
  c.threads_found = 4;
  c.threads_frozen = 3;
  c.stop_window = nanoseconds{274'391};
  c.consistent = false;
  c.was_group_stopped = true;
  c.notes = {
      {.kind = report::CaptureNote::Kind::threads_appeared, .count = 1},
      {.kind = report::CaptureNote::Kind::thread_not_frozen, .tid = 4244, .timeout = milliseconds{3000}},
      {.kind = report::CaptureNote::Kind::no_debug_aranges, .module = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"},
  };
  r.package.executable = redis;
  r.package.executable_deleted = true;
  r.package.build_id = "4f5e6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5";
  r.package.package = "redis-server";
  r.package.package_version = "5:7.0.15-1~deb12u1";
  r.package.kernel_release = "6.1.0-18-amd64";
  r.threads = {main_thread(), worker_thread(), stuck_thread(), odd_thread()};
  r.processes = {
      process(4242, 1, 0, 998, "redis", 'S', "redis-server", c.cmdline),
      process(4250, 4242, 1, 998, "redis", 'S', "redis-rdb-bgsave", {"redis-rdb-bgsave", "*:6379"}),
      process(4251, 4250, 2, 998, "redis", 'Z', "gzip", {}),
      process(4260, 4242, 1, 1001, std::nullopt, 'R', "sh", {"/bin/sh", "-c", "echo 'it''s done'"}),
  };
  r.package.product = "Redis";
  r.package.vendor = "Redis Ltd.";
  r.package.version = "7.0.15";
  r.configuration = {config_from_symbol(), config_from_file(), config_unreadable()};
  r.custom_sections = {{"Replication", text_block()}};
  r.secrets_shown = false;
  return r;
}

/// Every optional absent, every vector empty but one thread, one frame and one process.
inline report::Report minimal_report() {
  report::Report r;
  r.capture.pid = 1234;
  report::Thread t;
  t.tid = 1234;
  t.frames = {frame(0, 0x401000)};
  r.threads = {t};
  report::Process p;
  p.pid = 1234;
  r.processes = {p};
  return r;
}


/// Three threads of a small service: two deadlocked on each other's mutex, one joining the first; every
/// kind of wait line appears once, and the Deadlocks section.
inline report::Report locks_report() {
  auto report = minimal_report();
  report.capture.threads_found = 5;
  report.capture.threads_frozen = 5;
  report.capture.consistent = true;
  auto blocked = [](pid_t tid, std::string name, report::Wait wait) {
    report::Thread t;
    t.tid = tid;
    t.name = std::move(name);
    t.state = 'S';
    t.frozen = true;
    t.wait = std::move(wait);
    t.frames.push_back(named_frame(0, 0x7f3a1c8a412b, "__lll_lock_wait", 0x2b, libc));
    return t;
  };
  const auto lock_b = symbol("app::lock_b");
  const auto registry_field = symbol("app::registry", 0x10);
  report::Wait to_b{report::Wait::Kind::mutex, "futex", 0x55d0c41b0040, lock_b, false, false, 11, {}, {}, false, {}};
  report::Wait to_a{report::Wait::Kind::mutex, "futex", 0x55d0c41b0000, registry_field, true, false, 10, {}, {}, false, {}};
  report::Wait join{report::Wait::Kind::join, "futex", {}, {}, false, false, 10, {}, {}, false, {}};
  report::Wait cond{report::Wait::Kind::condition, "futex", 0x55d0c41b0080, symbol("app::ready"), false, false, {}, {}, {}, false, {}};
  report::Wait read{report::Wait::Kind::syscall, "read", {}, {}, false, false, {}, {}, {{7, "socket:[1234]"}, {9, {}}}, false, {}};
  report.threads = {blocked(10, "lock-a", to_b), blocked(11, "lock-b", to_a), blocked(12, "joiner", join),
                    blocked(13, "waiter", cond), blocked(14, "reader", read)};
  report.threads[0].holds.push_back({0x55d0c41b0000, registry_field, 1, {}, true});
  report.threads[1].holds.push_back({0x55d0c41b0040, lock_b, 1, 2u, false});
  report.deadlocks.push_back({{10, 11}});
  return report;
}

inline constexpr const char* python311 = "/usr/bin/python3.11";

/// A Python frame at `file`:`line` in `qualname` (kind python), its run placed unless `placed` is false.
inline report::Frame python_frame(int index, std::string qualname, std::string file, int line, std::string source,
                                  bool placed = true) {
  auto f = frame(index, 0x7f3a1b000000 + static_cast<std::uint64_t>(index) * 0x100);
  f.kind = report::Frame::Kind::python;
  f.function = qualname;
  f.file = std::move(file);
  f.line = line;
  f.source = std::move(source);
  report::PythonFrameFacts facts;
  facts.name = qualname.substr(qualname.rfind('.') == std::string::npos ? 0 : qualname.rfind('.') + 1);
  facts.frame_address = 0x7f3a1c000000 + static_cast<std::uint64_t>(index) * 0x50;
  facts.code_address = 0x7f3a1d000000 + static_cast<std::uint64_t>(line) * 0x10;
  facts.first_line = line - 2;
  facts.instruction_offset = 12 + index;
  facts.placed = placed;
  f.python = std::move(facts);
  return f;
}

/// A native frame of the interpreter's eval and call machinery.
inline report::Frame plumbing(int index, std::uint64_t pc, std::string function, std::uint64_t offset) {
  auto f = named_frame(index, pc, std::move(function), offset, python311);
  f.interpreter_plumbing = true;
  return f;
}

/// A Python 3.11 service as gmr dumps it: the main thread blocked in os.read, a worker holding the GIL in
/// a generator under sum() (a C function between two runs), a thread one of whose runs could not be
/// placed, and a native thread without Python.
inline report::Report python_report() {
  using namespace std::chrono;
  report::Report r;
  r.gmr_version = "0.1.0";
  auto& c = r.capture;
  c.pid = 5000;
  c.cmdline = {python311, "/srv/app/service.py", "--port", "8080"};
  c.name = "python3.11";
  c.uid = 1000;
  c.user = "app";
  c.captured_at = sys_days{year{2024} / 5 / 1} + hours{12} + minutes{34} + seconds{56};
  c.threads_found = 4;
  c.threads_frozen = 4;
  c.stop_window = nanoseconds{1'912'000};
  c.consistent = true;
  r.package.executable = python311;
  r.package.kernel_release = "6.1.0-18-amd64";
  r.python = report::PythonInfo{.version = 0x030b02f0,
                                .layout = "built-in 3.11 table",
                                .module = python311,
                                .gil_holder = 5001,
                                .threads_without_tid = 0,
                                .errors = {},
                                .green_threads = {},
                                .green_threads_absent = symbolize::python::GreenThreadsAbsent::no_greenlet_module,
                                .green_threads_error = {},
                                .gc_objects_walked = 0};

  report::Thread main;
  main.tid = 5000;
  main.name = "python3.11";
  main.state = 'S';
  main.frozen = true;
  main.syscall = report::BlockedSyscall{0, "read", {0, 0x1bd55a0, 0x1000, 0, 0, 0}};
  main.wait = report::Wait{report::Wait::Kind::syscall, "read", {}, {}, false, false, {}, {}, {{0, "pipe:[3071746]"}}, false, {}};
  main.python = report::PythonThreadFacts{.name = "MainThread", .thread_id = 0x7f3a1c8c02c0,
                                          .thread_state = 0xa98a90, .holds_gil = false, .frames = 3,
                                          .unplaced_frames = 0, .truncated = {}};
  {
    auto f0 = named_frame(0, 0x7f3a1c89d2ec, "__GI___libc_read", 0x4c, libc);
    at(f0, "../sysdeps/unix/sysv/linux/read.c", 24, 1);
    auto f1 = named_frame(1, 0x58c2a3, "_Py_read", 0xc3, python311);
    at(f1, "../Python/fileutils.c", 1770, 13);
    auto f2 = named_frame(2, 0x5c2694, "os_read", 0x84, python311);
    main.frames = {f0,
                   f1,
                   f2,
                   plumbing(3, 0x526a38, "cfunction_vectorcall_FASTCALL", 0x48),
                   plumbing(4, 0x5132ec, "PyObject_Vectorcall", 0x2c),
                   python_frame(5, "Server.serve", "/srv/app/server.py", 186, "chunk = os.read(0, 4096)"),
                   python_frame(6, "Server.run", "/srv/app/server.py", 175, "self.serve()"),
                   python_frame(7, "<module>", "/srv/app/service.py", 12, "Server(port).run()"),
                   plumbing(8, 0x5028aa, "_PyEval_EvalFrameDefault", 0x96a),
                   plumbing(9, 0x4f9f1b, "PyEval_EvalCode", 0xbb),
                   plumbing(10, 0x60a917, "Py_BytesMain", 0x27),
                   named_frame(11, 0x7f3a1c8e824a, "__libc_start_call_main", 0x7a, libc),
                   named_frame(12, 0x60a7b1, "_start", 0x21, python311)};
  }

  report::Thread worker;
  worker.tid = 5001;
  worker.name = "python3.11";
  worker.state = 'R';
  worker.frozen = true;
  worker.python = report::PythonThreadFacts{.name = "worker-1", .thread_id = 0x7f3a1b5ff6c0,
                                            .thread_state = 0xb1c2d0, .holds_gil = true, .frames = 4,
                                            .unplaced_frames = 0, .truncated = {}};
  worker.frames = {python_frame(0, "<genexpr>", "/srv/app/work.py", 21, "return sum(x * x for x in items)"),
                   plumbing(1, 0x5029f0, "_PyEval_EvalFrameDefault", 0xab0),
                   plumbing(2, 0x5611c2, "gen_send_ex2", 0x52),
                   named_frame(3, 0x54a8e7, "builtin_sum_impl", 0x1f7, python311),
                   plumbing(4, 0x526a38, "cfunction_vectorcall_FASTCALL_KEYWORDS", 0x48),
                   python_frame(5, "squares", "/srv/app/work.py", 21, "return sum(x * x for x in items)"),
                   python_frame(6, "Worker.run", "/srv/app/work.py", 40, "total += squares(batch)"),
                   python_frame(7, "Thread._bootstrap_inner", "/usr/lib/python3.11/threading.py", 1038,
                                "self.run()"),
                   plumbing(8, 0x506881, "_PyEval_EvalFrameDefault", 0x4941),
                   plumbing(9, 0x663c3c, "thread_run", 0x4c),
                   named_frame(10, 0x7f3a1c82e1f5, "start_thread", 0x305, libc),
                   named_frame(11, 0x7f3a1c8ae8ec, "__clone3", 0x2c, libc)};

  report::Thread lost;
  lost.tid = 5002;
  lost.name = "python3.11";
  lost.state = 'S';
  lost.frozen = true;
  lost.python = report::PythonThreadFacts{.name = "poller", .thread_id = 0x7f3a1adff6c0,
                                          .thread_state = 0xb3e4f0, .holds_gil = false, .frames = 2,
                                          .unplaced_frames = 1, .truncated = {}};
  lost.frames = {python_frame(0, "Poller.tick", "/srv/app/poll.py", 9, "select.select(fds, [], [])", false),
                 named_frame(1, 0x7f3a1c8bf9ec, "__GI___select", 0x14c, libc),
                 named_frame(2, 0x6a1d9d, "select_select_impl", 0x19d, python311),
                 plumbing(3, 0x5028aa, "_PyEval_EvalFrameDefault", 0x96a),
                 python_frame(4, "Poller.run", "/srv/app/poll.py", 30, "self.tick()"),
                 plumbing(5, 0x506881, "_PyEval_EvalFrameDefault", 0x4941),
                 named_frame(6, 0x7f3a1c82e1f5, "start_thread", 0x305, libc)};
  lost.frames[4].python->instruction_offset = std::nullopt;

  report::Thread native;
  native.tid = 5003;
  native.name = "jemalloc_bg_thd";
  native.state = 'S';
  native.frozen = true;
  native.frames = {named_frame(0, 0x7f3a1c8a412b, "__futex_abstimed_wait_common", 0x2b, libc),
                   named_frame(1, 0x7f3a1c82e1f5, "start_thread", 0x305, libc)};

  r.threads = {main, worker, lost, native};
  r.processes = {process(5000, 1, 0, 1000, "app", 'S', "python3.11", c.cmdline)};
  return r;
}

/// python_report() as an eventlet service: its greenlets found among 26,412 GC-tracked objects — the hub
/// running in the main thread (its frames are the thread's), a GreenThread parked in a queue, the main
/// greenlet suspended in the hub's switch, and one whose chain was cut short.
inline report::Report green_threads_report() {
  report::Report r = python_report();
  auto& python = *r.python;
  python.green_threads_absent.reset();
  python.gc_objects_walked = 26412;
  const std::string hub = "/usr/lib/python3/dist-packages/eventlet/hubs/hub.py";
  report::GreenThread running{.address = 0x7f3a1b2c0040, .type_name = "greenlet.greenlet", .tid = 5000,
                              .running = true, .main = false, .frames = {}, .frames_truncated = false, .truncated = {}};
  running.frames = {python_frame(0, "Server.serve", "/srv/app/server.py", 186, "chunk = os.read(0, 4096)"),
                    python_frame(1, "Server.run", "/srv/app/server.py", 175, "self.serve()"),
                    python_frame(2, "<module>", "/srv/app/service.py", 12, "Server(port).run()")};
  report::GreenThread parked{.address = 0x7f3a1b2c1a80, .type_name = "GreenThread", .tid = 5000, .running = false,
                             .main = false, .frames = {}, .frames_truncated = false, .truncated = {}};
  parked.frames = {python_frame(0, "BaseHub.switch", hub, 313, "return self.greenlet.switch()"),
                   python_frame(1, "Queue.get", "/usr/lib/python3/dist-packages/eventlet/queue.py", 320,
                                "return waiter.wait()"),
                   python_frame(2, "Worker.loop", "/srv/app/worker.py", 27, "job = jobs.get()"),
                   python_frame(3, "GreenThread.main", "/usr/lib/python3/dist-packages/eventlet/greenthread.py", 221,
                                "result = function(*args, **kwargs)")};
  report::GreenThread main{.address = 0x7f3a1c9d2e00, .type_name = "greenlet.greenlet", .tid = 5000, .running = false,
                           .main = true, .frames = {}, .frames_truncated = false, .truncated = {}};
  main.frames = {python_frame(0, "BaseHub.switch", hub, 313, "return self.greenlet.switch()"),
                 python_frame(1, "<module>", "/srv/app/service.py", 14, "eventlet.sleep()")};
  report::GreenThread cut{.address = 0x7f3a1c9d3f40, .type_name = "greenlet.greenlet", .tid = std::nullopt,
                          .running = false, .main = false, .frames = {}, .frames_truncated = false,
                          .truncated = symbolize::python::DecodeError{symbolize::python::DecodeFailure::unreadable,
                                                                      "interpreter frame at 0x7f3a1a000000 is not readable (0 of 80 bytes)"}};
  cut.frames = {python_frame(0, "tick", "/srv/app/timer.py", 8, "eventlet.sleep(1)")};
  python.green_threads = {running, parked, main, cut};
  return r;
}

}  // namespace gmr::test::samples
