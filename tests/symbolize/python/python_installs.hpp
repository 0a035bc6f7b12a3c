// Test support: the CPython interpreters and headers installed on this machine that the Python tests
// check gmr's layouts and decoders against, and what is missing (which a test must say loudly).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "attach/memory_source.hpp"

namespace gmr::test::python {

struct PythonInstall {
  std::string label;    // "Debian 3.11", "pyenv 3.12.1"
  int minor = 0;        // 11, 12, 13
  std::string binary;   // the interpreter, "" when only its headers are installed
  std::string include;  // the directory holding Python.h and internal/, "" when the headers are absent
};

/// Every install looked for: Debian's python3.11 (/usr/bin/python3.11, python3.11-dev's headers) and
/// each pyenv build of 3.11-3.13 under $PYENV_ROOT (default ~/.pyenv), with what of each was found.
std::vector<PythonInstall> python_installs();

/// Those with an interpreter binary / with headers; the others are reported by MESSAGE from the caller.
std::vector<PythonInstall> installs_with_binary();
std::vector<PythonInstall> installs_with_headers();

/// The installs with a binary, for a test that runs each: says by MESSAGE which installs it skips, and
/// fails (CHECK) when Debian's python3.11, the one that must exist, is not among them.
std::vector<PythonInstall> installs_to_run();

/// The interpreters that must exist for these tests to mean anything on a machine: Debian's python3.11
/// (the python3 package gmr's CI installs). A missing one fails, it is not skipped.
inline constexpr const char* required_binary = "/usr/bin/python3.11";

/// Compiles tests/symbolize/python/layout_probe.c against `include` and runs it: "name" -> value lines
/// as it printed them (debug.* lines keep "position value" as their text in `debug`).
struct ProbeOutput {
  std::map<std::string, long long> values;
  std::map<std::string, std::pair<std::size_t, long long>> debug;  // name -> (position, value)
};
ProbeOutput run_layout_probe(const std::string& include);

/// The target's memory through /proc/PID/mem (test-only: gmr itself reads through attach/).
class ProcMemory final : public attach::MemorySource {
 public:
  explicit ProcMemory(pid_t pid);
  ~ProcMemory() override;
  ProcMemory(const ProcMemory&) = delete;
  ProcMemory& operator=(const ProcMemory&) = delete;
  std::size_t read(std::uint64_t address, std::span<std::byte> out) const override;

 private:
  int fd_ = -1;
};

/// A fresh directory under $TMPDIR for files a test makes, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Path of a file of tests/symbolize/python/.
std::string test_file(const std::string& name);

/// The plain fixtures of tests/fixtures/python: no greenlets, no eventlet; each records its own stacks.
struct PlainFixture {
  const char* script;
  std::vector<std::string> args;
  bool busy = false;  // a thread spins: the process never becomes quiescent
};

inline const std::vector<PlainFixture> plain_fixtures = {
    {"threads_nested.py", {}},  {"locks.py", {}},     {"gil_busy.py", {}, true},
    {"generators.py", {}},      {"recursion.py", {}}, {"crowd.py", {"--threads", "50", "--frames", "30"}},
};

}  // namespace gmr::test::python
