// Files named on the command line are checked before any target is frozen, through the real binary: an
// --output-dir gmr cannot write into (also as root on a read-only file system, where access(W_OK) says
// yes) and a --sidecar that is no readable regular file are usage errors (64) with one line, and the
// target never sees a tracer. Before, the first was found after the freeze (exit 2) and /dev/zero was
// read as 1 MB of NULs.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/exit_codes.hpp"
#include "support/process.hpp"

namespace {

namespace fs = std::filesystem;
using namespace gmr;
using namespace gmr::test;

struct TempDir {
  fs::path path;
  TempDir() {
    char name[] = "/tmp/gmr-early-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path = name;
  }
  ~TempDir() { fs::remove_all(path); }
};

void check_refused(const RunResult& result, const std::string& message) {
  INFO("stdout: ", result.out.substr(0, 500));
  CHECK(result.exit_code == cli::exit_usage);
  CHECK(result.out.empty());
  CHECK(result.err == "gmr: " + message + "\n");
}

}  // namespace

TEST_SUITE("e2e::early_checks") {

TEST_CASE("--output-dir on a read-only file system, as root: refused before the freeze") {
  REQUIRE_MESSAGE(getuid() == 0, "the test mounts a read-only tmpfs in a private mount namespace");
  Fixture fixture("fixture_threads_c");
  TempDir dir;
  const std::string pid = std::to_string(fixture.pid());
  // unshare --mount: the read-only mount is seen by gmr alone and goes away with it.
  const RunResult result = run_command(
      {"unshare", "--mount", "--propagation", "private", "sh", "-c",
       "mount -t tmpfs -o ro gmr-ro \"$0\" && exec \"$1\" dump --output-dir \"$0\" \"$2\"", dir.path.string(),
       GMR_BINARY, pid});
  check_refused(result, "--output-dir: cannot create files in '" + dir.path.string() + "': Read-only file system");
  CHECK(parse_signals(fixture.command("signals")) == std::pair<int, int>{0, 0});
}

TEST_CASE("--output-dir without write permission, as a normal user: refused before the freeze") {
  REQUIRE_MESSAGE(getuid() == 0, "the test runs the fixture and gmr as nobody");
  const std::vector<std::string> nobody{"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"};
  Fixture fixture("fixture_threads_c", {.args = {}, .prefix = nobody});
  TempDir dir;
  fs::permissions(dir.path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                fs::perms::others_read | fs::perms::others_exec);  // 0755, root's
  std::vector<std::string> argv = nobody;
  argv.insert(argv.end(), {GMR_BINARY, "dump", "--output-dir", dir.path.string(), std::to_string(fixture.pid())});
  check_refused(run_command(argv), "--output-dir: cannot create files in '" + dir.path.string() + "': Permission denied");
  CHECK(fs::is_empty(dir.path));
}

TEST_CASE("--sidecar: only a readable regular file, a device, FIFO, directory or missing file is refused") {
  Fixture fixture("fixture_threads_c");
  const std::string pid = std::to_string(fixture.pid());
  TempDir dir;
  const std::string fifo = (dir.path / "fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string missing = (dir.path / "missing.conf").string();
  const std::vector<std::pair<std::string, std::string>> cases{
      {"/dev/zero", "--sidecar: '/dev/zero' is not a regular file (only regular files are read)"},
      {fifo, "--sidecar: '" + fifo + "' is not a regular file (only regular files are read)"},  // never blocks
      {dir.path.string(), "--sidecar: '" + dir.path.string() + "' is not a regular file (only regular files are read)"},
      {missing, "--sidecar: cannot open '" + missing + "': No such file or directory"},
  };
  for (const auto& [path, message] : cases) {
    CAPTURE(path);
    check_refused(run_gmr({"dump", "--sidecar", path, pid}, 10s), message);
  }
  CHECK(parse_signals(fixture.command("signals")) == std::pair<int, int>{0, 0});
}

TEST_CASE("--sidecar that its user cannot read is refused before the freeze") {
  REQUIRE_MESSAGE(getuid() == 0, "the test runs the fixture and gmr as nobody");
  const std::vector<std::string> nobody{"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"};
  Fixture fixture("fixture_threads_c", {.args = {}, .prefix = nobody});
  TempDir dir;
  fs::permissions(dir.path, fs::perms::owner_all | fs::perms::others_exec);  // nobody may pass through
  const fs::path secret = dir.path / "secret.conf";
  { std::ofstream(secret) << "[DEFAULT]\npassword = x\n"; }
  fs::permissions(secret, fs::perms::owner_read | fs::perms::owner_write);  // 0600, root's
  std::vector<std::string> argv = nobody;
  argv.insert(argv.end(), {GMR_BINARY, "dump", "--sidecar", secret.string(), std::to_string(fixture.pid())});
  check_refused(run_command(argv), "--sidecar: cannot read '" + secret.string() + "': Permission denied");
}

}  // TEST_SUITE
