// Standard output that cannot take the report, through the real binary: a pipe whose reader has gone
// (gmr dump … | head -1) and a standard output closed before gmr starts. gmr exits 2 with one line that
// says so (never dies of SIGPIPE), lets the target go, and freezes no further target for nothing.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cli/exit_codes.hpp"
#include "support/json_schema.hpp"
#include "support/process.hpp"
#include "torture/torture.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace gmr;
using namespace gmr::test;

enum class Stdout { reader_gone, closed };

/// Runs gmr with `args`; its standard output is a pipe nobody reads any more, or closed; its standard
/// error is collected.
RunResult run_gmr_without_reader(const std::vector<std::string>& args, Stdout kind) {
  int out[2];
  int err[2];
  REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
  REQUIRE(::pipe2(err, O_CLOEXEC) == 0);
  ::close(out[0]);  // the reader is gone before gmr writes a byte
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (kind == Stdout::reader_gone) {
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  } else {
    posix_spawn_file_actions_addclose(&actions, STDOUT_FILENO);
  }
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  std::vector<std::string> argv_strings{GMR_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t child = -1;
  const int spawned = posix_spawn(&child, GMR_BINARY, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(err[1]);
  REQUIRE(spawned == 0);

  RunResult result;
  char buffer[4096];
  for (ssize_t n; (n = ::read(err[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    result.err.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(err[0]);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (::waitpid(child, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      throw std::runtime_error("gmr did not exit within 30 s");
    }
    std::this_thread::sleep_for(10ms);
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

struct TempDir {
  fs::path path;
  TempDir() {
    char name[] = "/tmp/gmr-stdout-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path = name;
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_SUITE("e2e::stdout") {

TEST_CASE("a reader that went away: exit 2 and one line, not death by SIGPIPE, the next pid is not frozen") {
  Fixture fixture("fixture_threads_c");
  Fixture next("fixture_threads_c");
  const std::string pid = std::to_string(fixture.pid());
  for (const char* format : {"--format=text", "--json"}) {
    CAPTURE(format);
    const RunResult result = run_gmr_without_reader({"dump", format, pid, std::to_string(next.pid())}, Stdout::reader_gone);
    CHECK(result.exit_code == cli::exit_no_report);
    // One line: the first pid's; the second was never tried.
    CHECK(result.err == "gmr: standard output closed: report not written\n");
    CHECK_MESSAGE(wait_let_go(fixture.pid()), "states: ", states_text(fixture.pid()));
    CHECK(parse_signals(fixture.command("signals")) == std::pair<int, int>{0, 0});
  }
}

TEST_CASE("a reader that went away with --output-dir: the file is written, and the message names it") {
  Fixture fixture("fixture_threads_c");
  TempDir dir;
  const RunResult result = run_gmr_without_reader(
      {"dump", "--output-dir", dir.path.string(), std::to_string(fixture.pid())}, Stdout::reader_gone);
  CHECK(result.exit_code == cli::exit_no_report);
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir.path)) files.push_back(entry.path());
  REQUIRE(files.size() == 1);
  CHECK(result.err == "gmr: standard output closed: the report was written to " + files[0].string() +
                          ", its path not printed\n");
}

TEST_CASE("standard output closed before gmr starts: refused before any target is frozen, unless --output-dir") {
  Fixture fixture("fixture_threads_c");
  const std::string pid = std::to_string(fixture.pid());
  const RunResult refused = run_gmr_without_reader({"dump", pid}, Stdout::closed);
  CHECK(refused.exit_code == cli::exit_no_report);
  CHECK(refused.err == "gmr: standard output is closed: no report could be written (use --output-dir)\n");

  // The report file must not become "standard output" by taking the free descriptor 1.
  TempDir dir;
  const RunResult written = run_gmr_without_reader({"dump", "--output-dir", dir.path.string(), pid}, Stdout::closed);
  INFO("stderr: ", written.err);
  CHECK(written.exit_code == cli::exit_complete);
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir.path)) files.push_back(entry.path());
  REQUIRE(files.size() == 1);
  const RunResult head = run_command({"head", "-c", "200", files[0].string()});
  CHECK(head.out.find("Guru Meditation Report") != std::string::npos);
  CHECK(wait_let_go(fixture.pid()));
}

}  // TEST_SUITE
