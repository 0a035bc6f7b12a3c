// gmr receives SIGINT, SIGTERM or SIGHUP while the target is frozen: it must let the target go first,
// then exit with 128 + N, without dumping the pids after it; with --json the failure is an object. The freeze is held open by a thread in uninterruptible sleep (a vfork parent)
// that cannot stop, while the target's other thread is already frozen.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "support/json_schema.hpp"
#include "support/process.hpp"

extern char** environ;

using namespace gmr::test;

namespace {

void* park(void*) {
  for (;;) pause();
  return nullptr;
}

/// A two-thread process: "parked" sleeps in pause(); the main thread is a vfork parent in state D until
/// its vfork child exits (when the test closes the child's pipe). Killed and reaped by the destructor.
class VforkTarget {
 public:
  VforkTarget() {
    int ready[2];
    REQUIRE(pipe2(release_, O_CLOEXEC) == 0);  // no spawned process may hold the write end open
    REQUIRE(pipe2(ready, O_CLOEXEC) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      close(ready[0]);
      close(release_[1]);
      pthread_t t;
      pthread_create(&t, nullptr, park, nullptr);
      pid_t child = vfork();
      if (child == 0) {
        char c;
        write(ready[1], "x", 1);
        read(release_[0], &c, 1);  // blocks until the test closes the write end
        _exit(0);
      }
      waitpid(child, nullptr, 0);
      for (;;) pause();
    }
    close(ready[1]);
    close(release_[0]);
    char c;
    REQUIRE(read(ready[0], &c, 1) == 1);
    close(ready[0]);
    REQUIRE(wait_until(5s, [&] {
      auto states = thread_states(pid_);
      return states.size() == 2 && states.at(pid_) == 'D';
    }));
  }
  ~VforkTarget() {
    release();
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }
  void release() {
    if (release_[1] >= 0) close(release_[1]);
    release_[1] = -1;
  }

 private:
  pid_t pid_ = -1;
  int release_[2] = {-1, -1};
};

std::optional<pid_t> tracer_of(pid_t tid) {
  std::ifstream in("/proc/" + std::to_string(tid) + "/status");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  auto at = text.find("TracerPid:");
  if (at == std::string::npos) return std::nullopt;
  return static_cast<pid_t>(std::stol(text.substr(at + 10)));
}

}  // namespace

TEST_SUITE("cli::signals") {
  TEST_CASE("SIGINT, SIGTERM, SIGHUP while frozen: the target is let go, then gmr exits 128+N") {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      CAPTURE(sig);
      VforkTarget target;
      Fixture next("fixture_threads_c");  // the second pid on the command line: never reached
      const pid_t parked = thread_ids(target.pid()).back();

      char out_path[] = "/tmp/gmr-interrupt-XXXXXX";
      const int out_fd = mkstemp(out_path);
      REQUIRE(out_fd >= 0);
      close(out_fd);
      std::string pid = std::to_string(target.pid());
      std::string next_pid = std::to_string(next.pid());
      std::vector<char*> argv{const_cast<char*>(GMR_BINARY), const_cast<char*>("dump"),
                              const_cast<char*>("--json"),   const_cast<char*>("--timeout"),
                              const_cast<char*>("60"),       pid.data(),
                              next_pid.data(),               nullptr};
      posix_spawn_file_actions_t actions;
      posix_spawn_file_actions_init(&actions);
      posix_spawn_file_actions_addopen(&actions, 1, out_path, O_WRONLY | O_TRUNC, 0);
      posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
      pid_t gmr = -1;
      REQUIRE(posix_spawn(&gmr, GMR_BINARY, &actions, nullptr, argv.data(), environ) == 0);
      posix_spawn_file_actions_destroy(&actions);

      // gmr holds the parked thread (traced and stopped) and waits for the D thread.
      const bool frozen = wait_until(10s, [&] {
        auto t = tracer_of(parked);
        auto states = thread_states(target.pid());
        return t && *t != 0 && states.count(parked) && states.at(parked) == 't';
      });
      if (!frozen) kill(gmr, SIGKILL);
      REQUIRE(frozen);

      REQUIRE(kill(gmr, sig) == 0);
      int status = 0;
      const bool exited = wait_until(10s, [&] { return waitpid(gmr, &status, WNOHANG) == gmr; });
      if (!exited) {
        kill(gmr, SIGKILL);
        waitpid(gmr, &status, 0);
      }
      REQUIRE(exited);
      REQUIRE(WIFEXITED(status));
      CHECK(WEXITSTATUS(status) == 128 + sig);

      // One object, for the interrupted pid; the next pid was not dumped.
      std::ifstream out_file(out_path);
      const std::string out((std::istreambuf_iterator<char>(out_file)), std::istreambuf_iterator<char>());
      unlink(out_path);
      const SchemaCheck check = check_schema(out);
      CHECK_MESSAGE(check.valid, check.problems, "\n", out);
      const auto lines = parse_json_lines(out);
      REQUIRE(lines.size() == 1);
      CHECK(lines[0]["pid"] == target.pid());
      CHECK(lines[0]["exit_code"] == 128 + sig);
      CHECK(lines[0]["error"]["kind"] == "interrupted");
      CHECK(lines[0]["error"]["signal"] == sig);
      CHECK(next.command("threads") == std::to_string(next.ready_threads()));

      // Let go: nobody traces the target and the parked thread sleeps again.
      CHECK(tracer_of(parked) == 0);
      CHECK(tracer_of(target.pid()) == 0);
      CHECK(wait_until(2s, [&] { return thread_states(target.pid()).at(parked) == 'S'; }));

      // And the vfork parent runs on when its child exits.
      target.release();
      CHECK(wait_until(5s, [&] { return thread_states(target.pid()).at(target.pid()) == 'S'; }));
    }
  }
}
