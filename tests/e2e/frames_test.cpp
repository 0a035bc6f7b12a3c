// End to end, in process: capture() a quiescent fixture, build_report(), and check every thread's frames
// against the fixture's source: exact function names, files, lines (found by @line markers), inlined
// frames. libc frames vary across glibc builds: only their presence and module are asserted.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/report_view.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;

struct ExpectedFrame {
  std::string function;
  std::string marker;  // @line marker of the frame's line
  bool inlined = false;
};

struct ExpectedThread {
  std::string name;
  std::vector<ExpectedFrame> chain;  // innermost fixture frame first, down to the thread's start function
  bool is_main = false;
};

bool is_libc(const report::Frame& frame) { return basename_of(frame.module).starts_with("libc.so"); }

// Checks one thread: [libc frames…] then exactly `chain` (all in `source`, module `binary`), then frames
// outside the fixture's source down to the thread start (libc's start_thread/clone3, or for main libc's
// __libc_start_main and the fixture's _start).
void check_thread(const report::Report& report, const std::string& source, const std::string& binary,
                  const ExpectedThread& expected) {
  const std::string source_name = basename_of(source);
  const std::string binary_name = basename_of(binary);
  INFO("thread ", expected.name);
  const report::Thread* thread = find_thread(report, expected.name);
  REQUIRE_MESSAGE(thread != nullptr, "no thread named ", expected.name);
  INFO(describe_frames(*thread));
  CHECK(thread->frozen);
  CHECK(thread->errors.empty());
  CHECK(thread->state == std::optional<char>('S'));
  REQUIRE(!thread->frames.empty());

  // Frame indices are consecutive from 0.
  for (std::size_t i = 0; i < thread->frames.size(); ++i) CHECK(thread->frames[i].index == static_cast<int>(i));

  std::size_t first = 0;
  while (first < thread->frames.size() && basename_of(thread->frames[first].file) != source_name) ++first;
  REQUIRE_MESSAGE(first < thread->frames.size(), "no frame in ", source_name);

  // Above the fixture: the blocking call inside libc (the innermost frame is libc's syscall wrapper).
  CHECK(first >= 1);
  CHECK_MESSAGE(is_libc(thread->frames.front()), "innermost frame not in libc");

  REQUIRE(first + expected.chain.size() <= thread->frames.size());
  for (std::size_t k = 0; k < expected.chain.size(); ++k) {
    const report::Frame& frame = thread->frames[first + k];
    const ExpectedFrame& want = expected.chain[k];
    INFO("fixture frame ", k, " expected ", want.function, " at ", source_name, ":", want.marker);
    CHECK(frame.function == std::optional<std::string>(want.function));
    CHECK(basename_of(frame.file) == source_name);
    CHECK(frame.line == std::optional<int>(source_line(source, want.marker)));
    CHECK(frame.inlined == want.inlined);
    CHECK(basename_of(frame.module) == binary_name);
    if (want.inlined) {
      // An inlined frame repeats the pc of the real function that contains it (the next frame).
      REQUIRE(first + k + 1 < thread->frames.size());
      CHECK(frame.pc == thread->frames[first + k + 1].pc);
      CHECK(!frame.function_offset.has_value());
    } else {
      CHECK(frame.function_offset.has_value());
    }
  }

  // The chain ends where expected: the next frame is not fixture source (so no frame is missing or extra)…
  const std::size_t after = first + expected.chain.size();
  REQUIRE_MESSAGE(after < thread->frames.size(), "nothing below the fixture's chain");
  CHECK(basename_of(thread->frames[after].file) != source_name);
  for (std::size_t i = after; i < thread->frames.size(); ++i)
    CHECK_MESSAGE(basename_of(thread->frames[i].file) != source_name, "fixture frame after the chain: #", i);
  // …and the unwind reached the thread's start: libc's clone3/start_thread for workers, libc's
  // __libc_start_main then the executable's _start for main.
  if (expected.is_main) {
    bool libc_below = false;
    for (std::size_t i = after; i < thread->frames.size(); ++i) libc_below |= is_libc(thread->frames[i]);
    CHECK_MESSAGE(libc_below, "no libc frame (__libc_start_main) below main");
    CHECK(basename_of(thread->frames.back().module) == binary_name);
  } else {
    CHECK_MESSAGE(is_libc(thread->frames.back()), "outermost frame (clone3) not in libc");
  }
}

void check_report_threads(const report::Report& report, const Fixture& fixture) {
  CHECK(report.capture.pid == fixture.pid());
  CHECK(report.capture.consistent);
  CHECK(report.threads.size() == static_cast<std::size_t>(fixture.ready_threads()));
  CHECK(report.capture.threads_found == static_cast<std::size_t>(fixture.ready_threads()));
  CHECK(report.capture.threads_frozen == static_cast<std::size_t>(fixture.ready_threads()));
  CHECK(!report.partial());
  // Names as the kernel has them.
  for (const auto& thread : report.threads) CHECK(thread.name == thread_name(fixture.pid(), thread.tid));
  // The leader first.
  REQUIRE(!report.threads.empty());
  CHECK(report.threads.front().tid == fixture.pid());
}

}  // namespace

TEST_SUITE("e2e::frames") {

TEST_CASE("every thread of the C fixture (-O0) is parked at its exact call chain") {
  Fixture fixture("fixture_threads_c");
  const report::Report report = dump_in_process(fixture.pid());
  check_report_threads(report, fixture);

  const std::string source = fixture_source("threads_c.c");
  auto worker = [](const std::string& name, const std::string& stem) {
    return ExpectedThread{name,
                          {{stem + "_inner", stem + "_inner"},
                           {stem + "_outer", stem + "_outer"},
                           {stem + "_entry", stem + "_entry"}}};
  };
  const std::vector<ExpectedThread> threads = {
      worker("c-mutex", "c_mutex"), worker("c-cond", "c_cond"),       worker("c-pipe", "c_pipe"),
      worker("c-sleep", "c_sleep"), worker("c-sem", "c_sem"),         worker("c-poll", "c_poll"),
      worker("c-sigwait", "c_sigwait"), worker("c-join", "c_join"), worker("c-rwlock", "c_rwlock"),
      ExpectedThread{"fixture_threads", {{"c_command_loop", "c_command_loop"}, {"main", "c_main"}}, true},
  };
  CHECK(threads.size() == report.threads.size());
  for (const auto& expected : threads) check_thread(report, source, fixture.path(), expected);
}

TEST_CASE("every thread of the C++ fixture (-O2): namespaces, templates, lambdas, an inlined frame") {
  Fixture fixture("fixture_threads_cpp");
  const report::Report report = dump_in_process(fixture.pid());
  check_report_threads(report, fixture);

  const std::string source = fixture_source("threads_cpp.cpp");
  auto lambda = [](int n) { return "main::{lambda()#" + std::to_string(n) + "}::operator()() const"; };
  const std::vector<ExpectedFrame> pool = {
      {"lab::pool::Worker::block_on_queue()", "cpp_pool_block"},
      {"lab::pool::Worker::wait_for_job()", "cpp_pool_wait_for_job", true},
      {"lab::pool::Worker::run()", "cpp_pool_run"},
  };
  const std::vector<ExpectedThread> threads = {
      {"cpp-pool-0", pool},
      {"cpp-pool-1", pool},
      {"cpp-chan",
       {{"lab::Channel<int>::wait_readable(int*)", "cpp_chan_wait"},
        {"lab::Channel<int>::receive()", "cpp_chan_receive"},
        {lambda(1), "cpp_chan_lambda"}}},
      {"cpp-lambda", {{"lab::detail::nap(long)", "cpp_nap"}, {lambda(2), "cpp_lambda_body"}}},
      {"cpp-mutex",
       {{"lab::Account::lock_ledger()", "cpp_mutex_lock_ledger"},
        {"lab::Account::withdraw(long)", "cpp_mutex_withdraw"},
        {lambda(3), "cpp_mutex_lambda"}}},
      {"cpp-sem", {{"lab::Gate<3>::pass()", "cpp_gate_pass"}, {lambda(4), "cpp_gate_lambda"}}},
      {"cpp-poll",
       {{"lab::net::Listener::wait_ready()", "cpp_poll_wait_ready"},
        {"lab::net::Listener::accept_one()", "cpp_poll_accept_one"},
        {lambda(5), "cpp_poll_lambda"}}},
      {"cpp-sigwait", {{"lab::signals::SignalSink::drain()", "cpp_sigwait_drain"}, {lambda(6), "cpp_sigwait_lambda"}}},
      {"cpp-join", {{"lab::Supervisor::watch()", "cpp_join_watch"}, {lambda(7), "cpp_join_lambda"}}},
      {"cpp-rwlock", {{"lab::Registry::update()", "cpp_rwlock_update"}, {lambda(8), "cpp_rwlock_lambda"}}},
      {"fixture_threads", {{"lab::command_loop()", "cpp_command_loop"}, {"main", "cpp_main"}}, true},
  };
  CHECK(threads.size() == report.threads.size());
  for (const auto& expected : threads) check_thread(report, source, fixture.path(), expected);

  // The two pool workers share every fixture frame's pc (same code, same call sites).
  const report::Thread* pool0 = find_thread(report, std::string_view("cpp-pool-0"));
  const report::Thread* pool1 = find_thread(report, std::string_view("cpp-pool-1"));
  REQUIRE(pool0 != nullptr);
  REQUIRE(pool1 != nullptr);
  REQUIRE(pool0->frames.size() == pool1->frames.size());
  for (std::size_t i = 0; i < pool0->frames.size(); ++i) {
    if (basename_of(pool0->frames[i].file) != "threads_cpp.cpp") continue;
    CHECK(pool0->frames[i].pc == pool1->frames[i].pc);
  }
}

TEST_CASE("function names carry no ELF symbol-version suffix (read, not read@@GLIBC_2.2.5)") {
  // glibc's separate debug file has versioned names as literal .symtab entries ("pthread_mutex_lock@@GLIBC_2.2.5");
  // a report names the function, as gdb and eu-stack do.
  Fixture fixture("fixture_threads_c");
  const report::Report report = dump_in_process(fixture.pid());
  REQUIRE(!report.threads.empty());
  for (const auto& thread : report.threads) {
    INFO(describe_frames(thread));
    for (const auto& frame : thread.frames)
      if (frame.function) CHECK_MESSAGE(frame.function->find('@') == std::string::npos, *frame.function);
  }
}

}  // TEST_SUITE
