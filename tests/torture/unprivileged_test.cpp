// Torture 9: unprivileged use. A normal user, created by the test if missing (useradd, idempotent), runs a
// fixture and dumps it with gmr — both through setpriv, so gmr has no capability at all. The same user
// dumping a root process is refused with the cause and exit code 4.
#include <doctest/doctest.h>

#include <pwd.h>
#include <unistd.h>

#include "cli/exit_codes.hpp"
#include "support/process.hpp"
#include "torture/torture.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;

constexpr const char* user = "gmr-torture";

/// The test user's uid, creating the user (and its group) when missing.
uid_t test_user() {
  if (const passwd* pw = getpwnam(user)) return pw->pw_uid;
  const RunResult added = run_command({"useradd", "--system", "--user-group", "--no-create-home", "--shell",
                                       "/usr/sbin/nologin", user});
  const passwd* pw = getpwnam(user);
  if (pw == nullptr) throw std::runtime_error("useradd " + std::string(user) + " failed: " + added.err);
  return pw->pw_uid;
}

std::vector<std::string> as_user() {
  return {"setpriv", std::string("--reuid=") + user, std::string("--regid=") + user, "--clear-groups"};
}

}  // namespace

TEST_SUITE("torture::unprivileged") {

TEST_CASE("a normal user dumps its own process, without any capability") {
  REQUIRE_MESSAGE(getuid() == 0, "the test creates a user and switches to it");
  const uid_t uid = test_user();
  Fixture fixture("fixture_threads_c", {.args = {}, .prefix = as_user()});
  const pid_t pid = fixture.pid();
  std::vector<std::string> argv = as_user();
  argv.insert(argv.end(), {GMR_BINARY, "dump", std::to_string(pid)});
  const RunResult result = run_command(argv);
  INFO("stderr: ", result.err);
  INFO(result.out);
  CHECK(result.exit_code == cli::exit_complete);
  CHECK(result.err.empty());
  for (pid_t tid : thread_ids(pid)) CHECK(result.out.find("Thread " + std::to_string(tid) + " ") != std::string::npos);
  CHECK(result.out.find("c_mutex_inner") != std::string::npos);
  CHECK(result.out.find(std::to_string(uid)) != std::string::npos);  // Processes: the target's uid
  CHECK_MESSAGE(wait_let_go(pid), "states: ", states_text(pid));
  CHECK(parse_signals(fixture.command("signals")) == std::pair<int, int>{0, 0});
}

TEST_CASE("a normal user dumping a root process is refused with the cause and exit code 4") {
  REQUIRE_MESSAGE(getuid() == 0, "the test creates a user and switches to it");
  const uid_t uid = test_user();
  Fixture fixture("fixture_threads_c");
  std::vector<std::string> argv = as_user();
  argv.insert(argv.end(), {GMR_BINARY, "dump", std::to_string(fixture.pid())});
  const RunResult result = run_command(argv);
  INFO("stderr: ", result.err);
  CHECK(result.exit_code == cli::exit_permission);
  CHECK(result.out.empty());
  CHECK(result.err.starts_with("gmr: permission denied"));
  CHECK(result.err.find("runs as uid 0, gmr as uid " + std::to_string(uid)) != std::string::npos);
  CHECK(result.err.find('\n') == result.err.size() - 1);
  CHECK(none_traced(fixture.pid()));
  CHECK(none_stopped(fixture.pid()));
}

TEST_CASE("a normal user dumping its own non-dumpable process is told why, and to use CAP_SYS_PTRACE") {
  // prctl(PR_SET_DUMPABLE, 0), or a uid change such as memcached -u: the kernel then wants CAP_SYS_PTRACE
  // even from the process's own uid. Its /proc/PID stays owned by that uid; the files inside turn root's.
  REQUIRE_MESSAGE(getuid() == 0, "the test creates a user and switches to it");
  test_user();
  Fixture fixture("fixture_torture", {.args = {"undumpable", "2"}, .prefix = as_user()});
  std::vector<std::string> argv = as_user();
  argv.insert(argv.end(), {GMR_BINARY, "dump", std::to_string(fixture.pid())});
  const RunResult result = run_command(argv);
  INFO("stderr: ", result.err);
  CHECK(result.exit_code == cli::exit_permission);
  CHECK(result.out.empty());
  CHECK(result.err.starts_with("gmr: permission denied to trace process " + std::to_string(fixture.pid())));
  CHECK(result.err.find("not dumpable (prctl PR_SET_DUMPABLE, or a uid change") != std::string::npos);
  CHECK(result.err.find("run gmr as root or with CAP_SYS_PTRACE") != std::string::npos);
  CHECK(result.err.find('\n') == result.err.size() - 1);
  CHECK(none_traced(fixture.pid()));
  CHECK(none_stopped(fixture.pid()));
  // Root has CAP_SYS_PTRACE: it may.
  CHECK(run_gmr({"dump", std::to_string(fixture.pid())}).exit_code == cli::exit_complete);
}

}  // TEST_SUITE
