// Torture 8: a target in its own mount and pid namespaces (unshare --mount --pid --fork) whose executable
// and libraries exist only inside its private root: a tmpfs mounted in its mount namespace on a directory
// that stays empty on the host, then chroot. Its frames must be named through /proc/PID/root. (An
// executable deleted after start is in tests/symbolize/robustness_test.cpp.) Two ways in: pivot_root, as
// container runtimes do, and a plain chroot inside the private mount namespace.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/report_view.hpp"
#include "torture/torture.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;

/// The only child of `parent` (/proc/PID/task/PID/children), once there is one.
std::optional<pid_t> only_child(pid_t parent) {
  std::ifstream in("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) + "/children");
  pid_t child = 0;
  if (in >> child) return child;
  return std::nullopt;
}

/// Starts fixture_threads_c in new mount and pid namespaces with a private root, `enter` being the shell
/// commands that make $R (a tmpfs holding the fixture, its libraries and a /proc) the process's root and
/// exec /fixture_threads_c; then dumps it in-process and checks the frames of one thread exactly.
void check_private_root(const std::string& enter) {
  REQUIRE_MESSAGE(getuid() == 0, "unshare --mount --pid needs root");
  TempDir root("root");  // empty on the host: the tmpfs is mounted over it inside the namespace only
  // $0 is the fixture's path (Fixture appends it to the prefix). Every file ldd names is copied into the
  // tmpfs under its own path; the executable goes to /fixture_threads_c; the namespace's own /proc is
  // mounted for the fixture (pthread_setname_np writes /proc/self/task/TID/comm).
  const std::string script =
      "set -e; R=" + root.path.string() +
      "; mount -t tmpfs gmr-root $R; cp \"$0\" $R/fixture_threads_c;"
      " for f in $(ldd \"$0\" | grep -o '/[^ ]*'); do mkdir -p $R$(dirname $f); cp $f $R$f; done;"
      " mkdir $R/proc; mount -t proc proc $R/proc; " + enter;
  Fixture container("fixture_threads_c",
                    {.args = {},
                     .prefix = {"unshare", "--mount", "--pid", "--fork", "--kill-child", "sh", "-c", script},
                     .wait_quiescent = false});
  std::optional<pid_t> child;
  REQUIRE(wait_until(5s, [&] { return (child = only_child(container.pid())).has_value(); }));
  const pid_t pid = *child;
  REQUIRE(wait_quiescent(pid, container.ready_threads()));
  // The host sees none of it.
  CHECK(std::filesystem::is_empty(root.path));
  CHECK(!std::filesystem::exists("/fixture_threads_c"));

  const report::Report report = dump_in_process(pid);
  const report::Thread* thread = find_thread(report, "c-mutex");
  REQUIRE(thread != nullptr);
  INFO(describe_frames(*thread));
  CHECK(thread->errors.empty());
  const std::string source = fixture_source("threads_c.c");
  std::size_t i = 0;
  while (i < thread->frames.size() && thread->frames[i].function != "c_mutex_inner") ++i;
  REQUIRE(i + 3 < thread->frames.size());
  const char* chain[][2] = {{"c_mutex_inner", "c_mutex_inner"}, {"c_mutex_outer", "c_mutex_outer"},
                            {"c_mutex_entry", "c_mutex_entry"}};
  for (const auto& [function, marker] : chain) {
    CAPTURE(function);
    CHECK(thread->frames[i].function == function);
    CHECK(basename_of(thread->frames[i].file) == "threads_c.c");
    CHECK(thread->frames[i].line == source_line(source, marker));
    CHECK(basename_of(thread->frames[i].module) == "fixture_threads_c");
    ++i;
  }
  // libc inside the container is named too (its own copy).
  CHECK(thread->frames[i].function == "start_thread");
  CHECK(!report.partial());
  CHECK_MESSAGE(wait_let_go(pid), "states: ", states_text(pid));
  CHECK(parse_signals(container.command("signals")) == std::pair<int, int>{0, 0});
}

}  // namespace

TEST_SUITE("torture::containers") {

TEST_CASE("a container (pivot_root) whose files exist only inside: symbolized through /proc/PID/root") {
  // After pivot_root the tmpfs is the namespace's root: /proc/PID/maps names files as the container sees
  // them (/fixture_threads_c), and /proc/PID/root leads to them.
  check_private_root("cd $R; mkdir old; pivot_root . old; exec /fixture_threads_c");
}

TEST_CASE("a chroot inside a private mount namespace: symbolized though its paths lead nowhere on the host") {
  // Without pivot_root, /proc/PID/maps names files by their path in the target's mount namespace
  // ($R/fixture_threads_c): neither that path nor /proc/PID/root + it exists for gmr.
  check_private_root("exec chroot $R /fixture_threads_c");
}

}  // TEST_SUITE
