// Test support: real child processes with deadlines, and /proc look-ups.
//
// Contract: every helper that waits has a deadline and throws std::runtime_error (doctest reports it as a
// failure of the running test) when it passes; nothing here leaves a child running or stopped — a Fixture
// kills and reaps its process in its destructor, also while an exception unwinds.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gmr::test {

using namespace std::chrono_literals;

/// Path of a fixture program built by tests/fixtures (GMR_FIXTURE_DIR).
std::string fixture_path(std::string_view name);
/// Path of a fixture source file (GMR_SOURCE_DIR/tests/fixtures/NAME).
std::string fixture_source(std::string_view name);

/// 1-based line of the unique line of `path` holding the comment marker "@line:MARKER". Throws when the
/// marker is missing or not unique.
int source_line(const std::string& path, std::string_view marker);

/// Thread ids of a process, sorted (/proc/PID/task).
std::vector<pid_t> thread_ids(pid_t pid);
/// tid -> state letter (field 3 of /proc/PID/task/TID/stat).
std::map<pid_t, char> thread_states(pid_t pid);
/// State letter of a process (/proc/PID/stat), absent when it does not exist.
std::optional<char> process_state(pid_t pid);
/// comm of a thread.
std::optional<std::string> thread_name(pid_t pid, pid_t tid);
/// "running", or the first field of /proc/PID/task/TID/syscall (the syscall number, or -1).
std::optional<std::string> thread_syscall(pid_t pid, pid_t tid);

/// Polls `done` every few milliseconds until it returns true or `timeout` passes; returns its last value.
template <typename Predicate>
bool wait_until(std::chrono::milliseconds timeout, Predicate done);

/// Whether `pid` has exactly `threads` threads, all in state S, each inside a syscall (/proc/TID/syscall is
/// neither "running" nor "-1"), so that their stacks do not change.
bool quiescent(pid_t pid, int threads);
/// Waits until quiescent(pid, threads) or `timeout` passes; returns the last check.
bool wait_quiescent(pid_t pid, int threads, std::chrono::milliseconds timeout = 10s);

struct RunResult {
  int exit_code = -1;  // WEXITSTATUS, or 128 + signal when it was killed by a signal
  std::string out;
  std::string err;
};

/// Runs argv[0] (looked up in PATH) with posix_spawn, stdin from /dev/null, collecting stdout and stderr.
/// On timeout the child is killed, reaped, and std::runtime_error is thrown naming the command.
RunResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout = 30s);
/// Runs the real gmr binary (GMR_BINARY) with `args`.
RunResult run_gmr(const std::vector<std::string>& args, std::chrono::milliseconds timeout = 30s);

struct FixtureOptions {
  std::vector<std::string> args;
  std::vector<std::string> prefix = {};   // a wrapper command run instead, with the fixture's path and args
                                          // appended (it must exec the fixture: the pid stays the same)
  std::vector<std::string> env = {};      // "NAME=VALUE" entries added to the inherited environment
  std::string ready_prefix = "ready ";    // first stdout line must start with this
  bool wait_quiescent = true;             // then wait until every thread sleeps inside a syscall
  std::chrono::milliseconds timeout = 10s;
};

/// A fixture program started with pipes on stdin and stdout.
class Fixture {
 public:
  explicit Fixture(std::string_view name, FixtureOptions options = {});
  ~Fixture();
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& path() const { return path_; }
  /// The ready line ("ready 10", "traced").
  const std::string& ready_line() const { return ready_line_; }
  /// N of "ready N": the number of threads the fixture started, main included.
  int ready_threads() const;

  /// Sends one line, expecting no reply.
  void send(std::string_view line);
  /// Sends one line, returns the reply line (without the newline).
  std::string command(std::string_view line, std::chrono::milliseconds timeout = 5s);
  /// Reads one stdout line.
  std::string read_line(std::chrono::milliseconds timeout = 5s);
  /// Waits until quiescent(pid(), threads). Throws on timeout with the states.
  void wait_quiescent(int threads, std::chrono::milliseconds timeout = 10s);
  /// Closes the fixture's stdin (EOF) and waits for it to exit; returns the wait status.
  int close_stdin_and_wait(std::chrono::milliseconds timeout = 5s);

 private:
  std::string path_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string buffer_;
  std::string ready_line_;
  bool reaped_ = false;
};

/// "usr1=N rt=M" -> {N, M}; throws on anything else.
std::pair<int, int> parse_signals(const std::string& reply);

// ---- implementation of the template ----
void sleep_for_poll();

template <typename Predicate>
bool wait_until(std::chrono::milliseconds timeout, Predicate done) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return done();
    sleep_for_poll();
  }
}

}  // namespace gmr::test
