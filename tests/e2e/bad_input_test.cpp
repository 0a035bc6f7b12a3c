// Targets gmr must refuse, through the real binary: the exit code of cli/exit_codes.hpp, exactly one line
// on stderr starting with "gmr: " that names the cause, nothing on stdout, and the target left unharmed.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/exit_codes.hpp"
#include "support/process.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;

void check_refusal(const RunResult& result, int exit_code, const std::vector<std::string>& mentions) {
  INFO("stdout: ", result.out);
  INFO("stderr: ", result.err);
  CHECK(result.exit_code == exit_code);
  CHECK(result.out.empty());
  CHECK(result.err.starts_with("gmr: "));
  // One line: a single trailing newline.
  CHECK(result.err.find('\n') == result.err.size() - 1);
  for (const auto& text : mentions) CHECK_MESSAGE(result.err.find(text) != std::string::npos, "stderr lacks: ", text);
}

bool none_stopped(pid_t pid) {
  for (auto [tid, state] : thread_states(pid))
    if (state == 'T' || state == 't') return false;
  return true;
}

void check_unharmed(Fixture& fixture, const std::vector<pid_t>& tids_before) {
  CHECK(wait_until(1s, [&] { return none_stopped(fixture.pid()); }));
  CHECK(thread_ids(fixture.pid()) == tids_before);
  CHECK(fixture.command("threads") == std::to_string(tids_before.size()));
  CHECK(parse_signals(fixture.command("signals")) == std::pair<int, int>{0, 0});
}

// A pid with PF_KTHREAD (0x00200000) in the flags field (9) of /proc/PID/stat.
std::optional<pid_t> find_kernel_thread() {
  for (pid_t pid : {2, 3, 4, 5, 6, 7, 8, 9, 10}) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    unsigned long flags = 0;
    for (int i = 3; i <= 9 && fields >> field; ++i)
      if (i == 9) flags = std::stoul(field);
    if (flags & 0x00200000UL) return pid;
  }
  return std::nullopt;
}

}  // namespace

TEST_SUITE("e2e::bad_input") {

TEST_CASE("a pid that is not a number is a usage error") {
  check_refusal(run_gmr({"dump", "abc"}), cli::exit_usage, {});
}

TEST_CASE("a pid with no process is 'no such process'") {
  // A pid that existed a moment ago: a shell that prints its pid, reaped; nothing took the number since.
  const RunResult sh = run_command({"sh", "-c", "echo $$"});
  REQUIRE(sh.exit_code == 0);
  const pid_t pid = static_cast<pid_t>(std::stol(sh.out));
  REQUIRE(!process_state(pid).has_value());
  check_refusal(run_gmr({"dump", std::to_string(pid)}), cli::exit_no_such_process, {"no process"});
}

TEST_CASE("a process of another user is refused, naming the uid") {
  REQUIRE_MESSAGE(getuid() == 0, "this test runs gmr as nobody against a root-owned fixture");
  Fixture fixture("fixture_threads_c");
  const auto tids = thread_ids(fixture.pid());
  const RunResult result = run_command({"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", GMR_BINARY,
                                        "dump", std::to_string(fixture.pid())});
  check_refusal(result, cli::exit_permission, {"uid"});
  check_unharmed(fixture, tids);
}

TEST_CASE("without CAP_SYS_PTRACE, root cannot dump a process with more capabilities") {
  REQUIRE_MESSAGE(getuid() == 0, "this test drops CAP_SYS_PTRACE from root");
  Fixture fixture("fixture_threads_c");
  const auto tids = thread_ids(fixture.pid());
  // Same uid, but the target's permitted set is not a subset of gmr's: the kernel then wants
  // CAP_SYS_PTRACE (security/commoncap.c cap_ptrace_access_check).
  const RunResult result = run_command({"setpriv", "--bounding-set=-sys_ptrace", "--inh-caps=-sys_ptrace", GMR_BINARY,
                                        "dump", std::to_string(fixture.pid())});
  check_refusal(result, cli::exit_permission, {"CAP_SYS_PTRACE"});
  check_unharmed(fixture, tids);
}

TEST_CASE("a process already traced by another tracer is refused, naming the tracer") {
  Fixture fixture("fixture_threads_c");
  const auto tids = thread_ids(fixture.pid());
  {
    Fixture tracer("fixture_tracer",
                   {.args = {std::to_string(fixture.pid())}, .ready_prefix = "traced", .wait_quiescent = false});
    check_refusal(run_gmr({"dump", std::to_string(fixture.pid())}), cli::exit_no_report,
                  {"already traced by", std::to_string(tracer.pid())});
    const int status = tracer.close_stdin_and_wait();
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  check_unharmed(fixture, tids);
  // Released by the tracer, the fixture can be dumped now.
  const RunResult result = run_gmr({"dump", std::to_string(fixture.pid())});
  INFO("stderr: ", result.err);
  CHECK(result.exit_code == cli::exit_complete);
  check_unharmed(fixture, tids);
}

TEST_CASE("a zombie is refused") {
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) _exit(0);
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      int status;
      waitpid(pid, &status, 0);
    }
  } reaper{child};
  REQUIRE(wait_until(5s, [&] { return process_state(child) == std::optional<char>('Z'); }));
  check_refusal(run_gmr({"dump", std::to_string(child)}), cli::exit_no_report, {"zombie"});
  CHECK(process_state(child) == std::optional<char>('Z'));
}

TEST_CASE("a kernel thread is refused") {
  const auto kthread = find_kernel_thread();
  REQUIRE_MESSAGE(kthread.has_value(), "no kernel thread among pids 2-10");
  check_refusal(run_gmr({"dump", std::to_string(*kthread)}), cli::exit_no_report, {"kernel thread"});
  CHECK(process_state(*kthread).has_value());
}

TEST_CASE("gmr refuses to dump itself") {
  // exec keeps the pid: gmr is asked to dump its own process.
  const std::string command = std::string("exec ") + GMR_BINARY + " dump $$";
  check_refusal(run_command({"sh", "-c", command}), cli::exit_no_report, {"gmr itself"});
}

}  // TEST_SUITE
