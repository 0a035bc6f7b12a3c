// The lock analysis end to end: each scenario of tests/fixtures/locks.cpp is dumped and its waits, owners,
// held locks and deadlock cycles are checked exactly, in the Report and in the text the user reads. Every
// scenario also checks that nothing else was claimed (no false waits, no false cycles).
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.hpp"
#include "report/render/format.hpp"
#include "report/render/render.hpp"
#include "report/render/text_renderer.hpp"
#include "report/render/wording.hpp"
#include "support/json_schema.hpp"
#include "support/process.hpp"
#include "support/report_view.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;
using Kind = report::Wait::Kind;

using nlohmann::json;

// One capture, rendered as the text and the JSON the user would get; the JSON is checked against the schema.
struct Dumped {
  report::Report report;
  std::string text;
  json doc;
};

Dumped dump_scenario(const Fixture& fixture) {
  Dumped dumped{dump_in_process(fixture.pid()), "", nullptr};
  std::ostringstream text, json_text;
  report::render_text(dumped.report, text);
  dumped.text = text.str();
  report::render(dumped.report, report::OutputFormat::json, {}, json_text);
  const auto check = check_schema(json_text.str());
  CHECK_MESSAGE(check.valid, check.problems);
  dumped.doc = json::parse(json_text.str());
  return dumped;
}

const json& json_thread(const Dumped& d, pid_t tid) {
  for (const auto& thread : d.doc["threads"])
    if (thread["tid"] == tid) return thread;
  FAIL("no thread " << tid << " in the JSON");
  throw std::logic_error("unreachable");
}

std::vector<std::vector<pid_t>> json_deadlocks(const Dumped& d) {
  std::vector<std::vector<pid_t>> cycles;
  for (const auto& deadlock : d.doc["deadlocks"]) cycles.push_back(deadlock["threads"].get<std::vector<pid_t>>());
  return cycles;
}

std::vector<std::vector<pid_t>> model_deadlocks(const Dumped& d) {
  std::vector<std::vector<pid_t>> cycles;
  for (const auto& deadlock : d.report.deadlocks) cycles.push_back(deadlock.threads);
  return cycles;
}

const report::Thread& thread_named(const report::Report& report, std::string_view name) {
  const report::Thread* thread = find_thread(report, name);
  REQUIRE_MESSAGE(thread != nullptr, "no thread named ", name);
  return *thread;
}

pid_t tid_of(const report::Report& report, std::string_view name) { return thread_named(report, name).tid; }

// A named address as the text report words it; "" when it was not named.
std::string named(std::optional<std::uint64_t> address, const std::optional<symbolize::AddressName>& name) {
  return address && name ? report::address_name_text(*address, *name) : "";
}

std::string ref(const report::Report& report, std::string_view name) {
  return "thread " + std::to_string(tid_of(report, name)) + " \"" + std::string(name) + "\"";
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

void check_mutex_wait(const Dumped& d, std::string_view waiter, std::string_view object, std::string_view owner,
                      bool pi = false) {
  INFO("waiter ", waiter);
  const report::Report& report = d.report;
  const auto& thread = thread_named(report, waiter);
  const json& wait = json_thread(d, thread.tid)["wait"];
  CHECK(wait["kind"] == "mutex");
  CHECK(wait["syscall"] == "futex");
  CHECK(wait["object"] == object);
  CHECK(wait["thread"] == tid_of(report, owner));
  CHECK(wait["priority_inheritance"] == pi);
  CHECK(wait["foreign_owner"].is_null());
  CHECK(wait["address"].get<std::string>().starts_with("0x"));
  REQUIRE(thread.wait.has_value());
  CHECK(thread.wait->kind == Kind::mutex);
  CHECK(thread.wait->syscall == "futex");
  CHECK(named(thread.wait->address, thread.wait->object) == object);
  CHECK(thread.wait->thread == std::optional<pid_t>(tid_of(report, owner)));
  CHECK(thread.wait->priority_inheritance == pi);
  CHECK(!thread.wait->foreign_owner.has_value());
}

void check_holds(const Dumped& d, std::string_view owner, std::string_view object, std::size_t waiters,
                 std::optional<unsigned> recursion = {}, bool pi = false) {
  INFO("owner ", owner);
  const report::Report& report = d.report;
  const auto& thread = thread_named(report, owner);
  const json& holds = json_thread(d, thread.tid)["holds"];
  REQUIRE(holds.size() == 1);
  CHECK(holds[0]["object"] == object);
  CHECK(holds[0]["waiters"] == waiters);
  CHECK(holds[0]["recursion"] == (recursion ? json(*recursion) : json(nullptr)));
  CHECK(holds[0]["priority_inheritance"] == pi);
  REQUIRE(thread.holds.size() == 1);
  CHECK(named(thread.holds[0].address, thread.holds[0].object) == object);
  CHECK(thread.holds[0].waiters == waiters);
  CHECK(thread.holds[0].recursion == recursion);
  CHECK(thread.holds[0].priority_inheritance == pi);
}

// The main thread of every scenario reads its stdin, a pipe from the test.
void check_main_reads_stdin(const Dumped& dumped, pid_t pid) {
  const auto* main = find_thread(dumped.report, pid);
  REQUIRE(main != nullptr);
  REQUIRE(main->wait.has_value());
  CHECK(main->wait->kind == Kind::syscall);
  CHECK(main->wait->syscall == "read");
  REQUIRE(main->wait->fds.size() == 1);
  CHECK(main->wait->fds[0].fd == 0);
  char target[256] = {};
  const std::string link = "/proc/" + std::to_string(pid) + "/fd/0";
  REQUIRE(readlink(link.c_str(), target, sizeof target - 1) > 0);
  CHECK(main->wait->fds[0].target == std::optional<std::string>(target));
  CHECK(has_line(dumped.text, "- blocked in read(fd 0: " + std::string(target) + ")"));
}

std::vector<pid_t> sorted_tids(const report::Report& report, std::vector<std::string_view> names) {
  std::vector<pid_t> tids;
  for (auto name : names) tids.push_back(tid_of(report, name));
  return tids;
}

// The deadlock as reported: `cycle` starts at its lowest tid and follows the wait-for edges.
std::vector<pid_t> cycle_from_lowest(const report::Report& report, std::vector<std::string_view> ring) {
  auto tids = sorted_tids(report, ring);
  std::ranges::rotate(tids, std::ranges::min_element(tids));
  return tids;
}

Fixture scenario(const char* name) { return Fixture("fixture_locks", {.args = {name}}); }

}  // namespace

TEST_SUITE("e2e::locks") {

TEST_CASE("two-thread lock-order inversion: who holds what, and one deadlock") {
  Fixture fixture = scenario("inversion");
  const Dumped d = dump_scenario(fixture);
  INFO(d.text);
  check_mutex_wait(d, "lock-a", "app::lock_b", "lock-b");
  check_mutex_wait(d, "lock-b", "app::lock_a", "lock-a");
  check_holds(d, "lock-a", "app::lock_a", 1);
  check_holds(d, "lock-b", "app::lock_b", 1);
  REQUIRE(d.report.deadlocks.size() == 1);
  CHECK(json_deadlocks(d) == model_deadlocks(d));
  CHECK(d.report.deadlocks[0].threads == cycle_from_lowest(d.report, {"lock-a", "lock-b"}));
  check_main_reads_stdin(d, fixture.pid());

  const std::string a_waits = "waiting to lock app::lock_b held by " + ref(d.report, "lock-b");
  const std::string b_waits = "waiting to lock app::lock_a held by " + ref(d.report, "lock-a");
  CHECK(has_line(d.text, "- " + a_waits));
  CHECK(has_line(d.text, "- " + b_waits));
  CHECK(has_line(d.text, "- holds app::lock_a (1 waiter)"));
  CHECK(has_line(d.text, "- holds app::lock_b (1 waiter)"));
  CHECK(count_of(d.text, "Found one deadlock:\n") == 1);
  CHECK(has_line(d.text, "  " + ref(d.report, "lock-a") + ": " + a_waits));
  CHECK(has_line(d.text, "  " + ref(d.report, "lock-b") + ": " + b_waits));
  // The Deadlocks section comes after Threads and shows both stacks again, down to the fixture's lock call.
  const auto deadlocks = d.text.find("Deadlocks");
  REQUIRE(deadlocks != std::string::npos);
  CHECK(d.text.find("Threads") < deadlocks);
  const std::string after = d.text.substr(deadlocks);
  const std::string source = fixture_source("locks.cpp");
  CHECK(after.find("locks.cpp:" + std::to_string(source_line(source, "lock_a_wants_b")) + ":") != std::string::npos);
  CHECK(after.find("locks.cpp:" + std::to_string(source_line(source, "lock_b_wants_a")) + ":") != std::string::npos);
}

TEST_CASE("the real binary prints the deadlock and exits 5, in text and JSON") {
  Fixture fixture = scenario("inversion");
  const RunResult result = run_gmr({"dump", std::to_string(fixture.pid())});
  INFO(result.err);
  CHECK(result.exit_code == cli::exit_deadlock);
  CHECK(count_of(result.out, "Found one deadlock:\n") == 1);
  CHECK(count_of(result.out, "- waiting to lock app::lock_") == 2);

  const RunResult as_json = run_gmr({"dump", "--json", std::to_string(fixture.pid())});
  INFO(as_json.err);
  CHECK(as_json.exit_code == cli::exit_deadlock);
  const auto check = check_schema(as_json.out);
  CHECK_MESSAGE(check.valid, check.problems);
  const json doc = json::parse(as_json.out);
  CHECK(doc["status"] == "complete");  // every thread frozen and unwound; the exit code says deadlock
  CHECK(doc["exit_code"] == cli::exit_deadlock);
  REQUIRE(doc["deadlocks"].size() == 1);
  CHECK(doc["deadlocks"][0]["threads"].size() == 2);
  std::size_t mutex_waits = 0;
  for (const auto& thread : doc["threads"])
    if (!thread["wait"].is_null() && thread["wait"]["kind"] == "mutex") ++mutex_waits;
  CHECK(mutex_waits == 2);
}

TEST_CASE("a deadlock outranks the other pids' codes: complete, partial, no such process") {
  Fixture deadlocked = scenario("inversion");
  Fixture healthy("fixture_threads_c");
  const RunResult gone = run_command({"sh", "-c", "echo $$"});
  const std::string vanished = lines_of(gone.out).at(0);
  const std::string pid = std::to_string(deadlocked.pid());
  CHECK(run_gmr({"dump", std::to_string(healthy.pid()), pid}).exit_code == cli::exit_deadlock);
  CHECK(run_gmr({"dump", pid, vanished}).exit_code == cli::exit_deadlock);
  CHECK(run_gmr({"dump", vanished, pid}).exit_code == cli::exit_deadlock);
  // --format and --sections do not change it: the exit status describes the capture.
  CHECK(run_gmr({"dump", "--format", "folded", pid}).exit_code == cli::exit_deadlock);
  CHECK(run_gmr({"dump", "--sections", "package", pid}).exit_code == cli::exit_deadlock);
}

TEST_CASE("three-thread cycle: each ring thread waits for the next one's lock") {
  Fixture fixture = scenario("cycle3");
  const Dumped d = dump_scenario(fixture);
  INFO(d.text);
  check_mutex_wait(d, "ring-0", "app::ring_lock_1", "ring-1");
  check_mutex_wait(d, "ring-1", "app::ring_lock_2", "ring-2");
  check_mutex_wait(d, "ring-2", "app::ring_lock_0", "ring-0");
  check_holds(d, "ring-0", "app::ring_lock_0", 1);
  check_holds(d, "ring-1", "app::ring_lock_1", 1);
  check_holds(d, "ring-2", "app::ring_lock_2", 1);
  REQUIRE(d.report.deadlocks.size() == 1);
  CHECK(json_deadlocks(d) == model_deadlocks(d));
  CHECK(d.report.deadlocks[0].threads == cycle_from_lowest(d.report, {"ring-0", "ring-1", "ring-2"}));
  CHECK(count_of(d.text, "Found one deadlock:\n") == 1);
  CHECK(has_line(d.text, "  " + ref(d.report, "ring-2") + ": waiting to lock app::ring_lock_0 held by " +
                             ref(d.report, "ring-0")));
}

TEST_CASE("a cycle through pthread_join: the joiner holds the lock its joinee wants") {
  Fixture fixture = scenario("join");
  const Dumped d = dump_scenario(fixture);
  INFO(d.text);
  const auto& joiner = thread_named(d.report, "joiner");
  REQUIRE(joiner.wait.has_value());
  CHECK(joiner.wait->kind == Kind::join);
  CHECK(joiner.wait->thread == std::optional<pid_t>(tid_of(d.report, "joinee")));
  CHECK(json_thread(d, joiner.tid)["wait"]["kind"] == "join");
  CHECK(json_thread(d, joiner.tid)["wait"]["thread"] == tid_of(d.report, "joinee"));
  CHECK(json_thread(d, joiner.tid)["wait"]["address"].is_null());
  check_mutex_wait(d, "joinee", "app::join_lock", "joiner");
  check_holds(d, "joiner", "app::join_lock", 1);
  REQUIRE(d.report.deadlocks.size() == 1);
  CHECK(json_deadlocks(d) == model_deadlocks(d));
  CHECK(d.report.deadlocks[0].threads == cycle_from_lowest(d.report, {"joiner", "joinee"}));
  CHECK(has_line(d.text, "- waiting for " + ref(d.report, "joinee") + " to exit"));
  CHECK(has_line(d.text, "  " + ref(d.report, "joiner") + ": waiting for " + ref(d.report, "joinee") + " to exit"));
}

TEST_CASE("a PI-mutex cycle, including glibc's endless wait after the kernel's EDEADLK") {
  Fixture fixture = scenario("pi");
  const Dumped d = dump_scenario(fixture);
  INFO(d.text);
  check_mutex_wait(d, "pi-a", "app::pi_b", "pi-b", true);
  check_mutex_wait(d, "pi-b", "app::pi_a", "pi-a", true);
  check_holds(d, "pi-a", "app::pi_a", 1, {}, true);
  check_holds(d, "pi-b", "app::pi_b", 1, {}, true);
  // At least one of the two got EDEADLK from FUTEX_LOCK_PI (the one whose chain walk found the cycle); when
  // both ask at the same moment both walks can find it and both get EDEADLK, so either outcome is true.
  const bool a_refused = thread_named(d.report, "pi-a").wait->kernel_deadlock;
  const bool b_refused = thread_named(d.report, "pi-b").wait->kernel_deadlock;
  CHECK((a_refused || b_refused));
  CHECK(json_thread(d, tid_of(d.report, "pi-a"))["wait"]["kernel_deadlock"] == a_refused);
  CHECK(json_thread(d, tid_of(d.report, "pi-b"))["wait"]["kernel_deadlock"] == b_refused);
  REQUIRE(d.report.deadlocks.size() == 1);
  CHECK(json_deadlocks(d) == model_deadlocks(d));
  CHECK(d.report.deadlocks[0].threads == cycle_from_lowest(d.report, {"pi-a", "pi-b"}));
  CHECK(has_line(d.text, "- holds app::pi_a (priority inheritance, 1 waiter)"));
  const std::size_t refused = (a_refused ? 1 : 0) + (b_refused ? 1 : 0);
  CHECK(count_of(d.text, "the kernel refused it with EDEADLK") == 2 * refused);  // Threads and Deadlocks sections
}

TEST_CASE("a recursive mutex locked twice by its owner: one waiter, no deadlock") {
  Fixture fixture = scenario("recursive");
  const Dumped d = dump_scenario(fixture);
  INFO(d.text);
  check_mutex_wait(d, "rec-waiter", "app::recursive_lock", "rec-owner");
  check_holds(d, "rec-owner", "app::recursive_lock", 1, 2u);
  const auto& owner = thread_named(d.report, "rec-owner");
  REQUIRE(owner.wait.has_value());
  CHECK(owner.wait->kind == Kind::syscall);
  CHECK(owner.wait->syscall == "read");
  CHECK(d.report.deadlocks.empty());
  CHECK(d.doc["deadlocks"] == json::array());
  CHECK(d.text.find("Deadlocks") == std::string::npos);
  CHECK(has_line(d.text, "- holds app::recursive_lock (locked 2 times, 1 waiter)"));
}

TEST_CASE("condition-variable and stdio-lock waiters are no mutex waits and no deadlock") {
  Fixture fixture = scenario("condvar");
  const Dumped d = dump_scenario(fixture);
  INFO(d.text);
  for (const char* name : {"cond-0", "cond-1", "cond-2"}) {
    const auto& thread = thread_named(d.report, name);
    REQUIRE(thread.wait.has_value());
    CHECK(thread.wait->kind == Kind::condition);
    CHECK(thread.wait->object == std::optional(symbolize::AddressName{
                                     .kind = symbolize::AddressName::Kind::symbol, .symbol = "app::ready_cond", .offset = 0}));
    CHECK(json_thread(d, thread.tid)["wait"]["kind"] == "condition");
    CHECK(json_thread(d, thread.tid)["wait"]["object"] == "app::ready_cond");
  }
  // fputs on a FILE another thread flockfile()d waits in __lll_lock_wait_private: a plain futex wait.
  const auto& stdio = thread_named(d.report, "stdio-waiter");
  REQUIRE(stdio.wait.has_value());
  CHECK(stdio.wait->kind == Kind::futex);
  REQUIRE(stdio.wait->object.has_value());
  CHECK(stdio.wait->object->kind == symbolize::AddressName::Kind::heap);
  CHECK(json_thread(d, stdio.tid)["wait"]["location"]["kind"] == "heap");
  CHECK(json_thread(d, stdio.tid)["wait"]["object"].get<std::string>().starts_with("heap 0x"));
  CHECK(json_thread(d, stdio.tid)["wait"]["kind"] == "futex");
  for (const auto& thread : d.doc["threads"]) {
    CHECK(thread["holds"] == json::array());
    if (!thread["wait"].is_null()) CHECK(thread["wait"]["kind"] != "mutex");
  }
  for (const auto& thread : d.report.threads) {
    CHECK(thread.holds.empty());
    if (thread.wait) CHECK(thread.wait->kind != Kind::mutex);
  }
  CHECK(d.report.deadlocks.empty());
  CHECK(d.doc["deadlocks"] == json::array());
  CHECK(count_of(d.text, "- waiting on condition app::ready_cond\n") == 3);
  CHECK(d.text.find("waiting to lock") == std::string::npos);
  CHECK(d.text.find("Deadlocks") == std::string::npos);
}

TEST_CASE("a mutex held by a busy (running) thread: owner named, no deadlock") {
  Fixture fixture("fixture_locks", {.args = {"busy"}, .wait_quiescent = false});
  // The busy thread never sleeps: wait only for the waiter to sleep in futex.
  REQUIRE(wait_until(10s, [&] {
    for (auto [tid, state] : thread_states(fixture.pid()))
      if (thread_name(fixture.pid(), tid) == "busy-waiter") return state == 'S' && thread_syscall(fixture.pid(), tid) == "202";
    return false;
  }));
  const Dumped d = dump_scenario(fixture);
  INFO(d.text);
  check_mutex_wait(d, "busy-waiter", "app::busy_lock", "busy");
  check_holds(d, "busy", "app::busy_lock", 1);
  CHECK(!thread_named(d.report, "busy").wait.has_value());
  CHECK(d.report.deadlocks.empty());
  CHECK(d.doc["deadlocks"] == json::array());
  CHECK(has_line(d.text, "- waiting to lock app::busy_lock held by " + ref(d.report, "busy")));
}

TEST_CASE("mutexes named by where they live: a global struct's field, the heap, a thread's stack") {
  Fixture fixture = scenario("places");
  const Dumped d = dump_scenario(fixture);
  INFO(d.text);
  check_mutex_wait(d, "field-waiter", "app::registry+0x10", "holder");
  const auto& heap = thread_named(d.report, "heap-waiter");
  const auto& stack = thread_named(d.report, "stack-waiter");
  REQUIRE(heap.wait.has_value());
  REQUIRE(stack.wait.has_value());
  REQUIRE(heap.wait->address.has_value());
  REQUIRE(stack.wait->address.has_value());
  const std::string heap_name = "heap " + report::format_hex(*heap.wait->address);
  const std::string stack_name = "stack of thread " + std::to_string(tid_of(d.report, "holder")) + " " +
                                 report::format_hex(*stack.wait->address);
  check_mutex_wait(d, "heap-waiter", heap_name, "holder");
  check_mutex_wait(d, "stack-waiter", stack_name, "holder");
  // The same names in parts: JSON "location".
  CHECK(json_thread(d, tid_of(d.report, "field-waiter"))["wait"]["location"] ==
        json::parse(R"({"kind": "symbol", "symbol": "app::registry", "offset": "0x10", "tid": null, "mapping": null})"));
  const json& heap_location = json_thread(d, heap.tid)["wait"]["location"];
  CHECK(heap_location["kind"] == "heap");
  CHECK(heap_location["symbol"].is_null());
  const json& stack_location = json_thread(d, stack.tid)["wait"]["location"];
  CHECK(stack_location["kind"] == "stack");
  CHECK(stack_location["tid"] == tid_of(d.report, "holder"));
  const auto& holder = thread_named(d.report, "holder");
  REQUIRE(holder.holds.size() == 3);
  std::vector<std::string> held;
  for (const auto& lock : holder.holds) held.push_back(named(lock.address, lock.object));
  std::ranges::sort(held);
  std::vector<std::string> expected{"app::registry+0x10", heap_name, stack_name};
  std::ranges::sort(expected);
  CHECK(held == expected);
  CHECK(d.report.deadlocks.empty());
  CHECK(d.doc["deadlocks"] == json::array());
  CHECK(has_line(d.text, "- waiting to lock app::registry+0x10 held by " + ref(d.report, "holder")));
  CHECK(has_line(d.text, "- holds app::registry+0x10 (1 waiter)"));
}

TEST_CASE("blocking syscalls on fds name what each fd points at") {
  Fixture fixture = scenario("fds");
  const Dumped d = dump_scenario(fixture);
  INFO(d.text);
  auto target = [&](int fd) {
    char link[256] = {};
    const std::string path = "/proc/" + std::to_string(fixture.pid()) + "/fd/" + std::to_string(fd);
    REQUIRE(readlink(path.c_str(), link, sizeof link - 1) > 0);
    return std::string(link);
  };
  struct Expected {
    const char* thread;
    const char* syscall;
    const char* target_prefix;
  };
  for (const Expected& e : {Expected{"fd-read", "read", "pipe:["}, Expected{"fd-recv", "recvfrom", "socket:["},
                            Expected{"fd-accept", "accept", "socket:["},
                            Expected{"fd-epoll", "epoll_wait", "anon_inode:[eventpoll]"}}) {
    INFO("thread ", e.thread);
    const auto& thread = thread_named(d.report, e.thread);
    REQUIRE(thread.wait.has_value());
    CHECK(thread.wait->kind == Kind::syscall);
    CHECK(thread.wait->syscall == e.syscall);
    REQUIRE(thread.wait->fds.size() == 1);
    REQUIRE(thread.syscall.has_value());
    const int fd = static_cast<int>(thread.syscall->args[0]);
    CHECK(thread.wait->fds[0].fd == fd);
    CHECK(thread.wait->fds[0].target == std::optional<std::string>(target(fd)));
    CHECK(target(fd).starts_with(e.target_prefix));
    CHECK(has_line(d.text, "- blocked in " + std::string(e.syscall) + "(fd " + std::to_string(fd) + ": " + target(fd) + ")"));
    const json& wait = json_thread(d, thread.tid)["wait"];
    CHECK(wait["kind"] == "syscall");
    CHECK(wait["syscall"] == e.syscall);
    CHECK(wait["fds"] == json::array({json{{"fd", fd}, {"target", target(fd)}}}));
  }
  // poll: both fds of its pollfd array, copied while frozen.
  const auto& poll = thread_named(d.report, "fd-poll");
  REQUIRE(poll.wait.has_value());
  CHECK(poll.wait->syscall == "poll");
  const int pipe_fd = static_cast<int>(thread_named(d.report, "fd-read").syscall->args[0]);
  const int socket_fd = static_cast<int>(thread_named(d.report, "fd-recv").syscall->args[0]);
  CHECK(has_line(d.text, "- blocked in poll(fd " + std::to_string(pipe_fd) + ": " + target(pipe_fd) + ", fd " +
                             std::to_string(socket_fd) + ": " + target(socket_fd) + ")"));
  const auto& sleeper = thread_named(d.report, "fd-sleep");
  REQUIRE(sleeper.wait.has_value());
  CHECK(sleeper.wait->syscall == "clock_nanosleep");
  CHECK(sleeper.wait->fds.empty());
  CHECK(has_line(d.text, "- blocked in clock_nanosleep"));
  check_main_reads_stdin(d, fixture.pid());
  CHECK(d.report.deadlocks.empty());
  CHECK(d.doc["deadlocks"] == json::array());
}

}  // TEST_SUITE
