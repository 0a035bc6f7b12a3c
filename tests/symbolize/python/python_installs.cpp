#include "symbolize/python/python_installs.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "support/process.hpp"

namespace gmr::test::python {
namespace fs = std::filesystem;

namespace {

bool has_internal_headers(const fs::path& include) { return fs::exists(include / "internal" / "pycore_frame.h"); }

fs::path pyenv_root() {
  if (const char* root = std::getenv("PYENV_ROOT"); root && *root) return root;
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".pyenv";
  return "/root/.pyenv";
}

}  // namespace

std::vector<PythonInstall> python_installs() {
  std::vector<PythonInstall> installs;
  {
    PythonInstall debian{"Debian 3.11", 11, "", ""};
    if (fs::exists("/usr/bin/python3.11")) debian.binary = "/usr/bin/python3.11";
    if (has_internal_headers("/usr/include/python3.11")) debian.include = "/usr/include/python3.11";
    installs.push_back(debian);
  }
  const fs::path versions = pyenv_root() / "versions";
  std::vector<std::string> found;
  std::error_code ec;
  if (fs::is_directory(versions, ec))
    for (const auto& entry : fs::directory_iterator(versions, ec)) found.push_back(entry.path().filename().string());
  std::sort(found.begin(), found.end());
  const std::regex supported(R"(3\.(11|12|13)\.[0-9]+)");
  for (const auto& name : found) {
    std::smatch m;
    if (!std::regex_match(name, m, supported)) continue;
    const int minor = std::stoi(m[1]);
    PythonInstall install{"pyenv " + name, minor, "", ""};
    const fs::path root = versions / name;
    const std::string short_name = "python3." + std::to_string(minor);
    if (fs::exists(root / "bin" / short_name)) install.binary = (root / "bin" / short_name).string();
    if (has_internal_headers(root / "include" / short_name)) install.include = (root / "include" / short_name).string();
    installs.push_back(install);
  }
  return installs;
}

std::vector<PythonInstall> installs_with_binary() {
  auto all = python_installs();
  std::erase_if(all, [](const PythonInstall& i) { return i.binary.empty(); });
  return all;
}

std::vector<PythonInstall> installs_to_run() {
  for (const auto& install : python_installs())
    if (install.binary.empty()) MESSAGE("SKIPPED " << install.label << ": no interpreter binary installed");
  auto installs = installs_with_binary();
  CHECK_MESSAGE(std::ranges::any_of(installs, [](const PythonInstall& i) { return i.binary == required_binary; }),
                required_binary << " (Debian's python3.11) is missing: install the python3.11 package");
  return installs;
}

std::vector<PythonInstall> installs_with_headers() {
  auto all = python_installs();
  std::erase_if(all, [](const PythonInstall& i) { return i.include.empty(); });
  return all;
}

std::string test_file(const std::string& name) {
  return std::string(GMR_TEST_DATA_DIR) + "/symbolize/python/" + name;
}

ProbeOutput run_layout_probe(const std::string& include) {
  TempDir dir;
  const std::string binary = dir.path() + "/layout_probe";
  auto compiled = run_command({"cc", "-o", binary, "-I" + include, "-I" + include + "/internal",
                               test_file("layout_probe.c")},
                              60s);
  if (compiled.exit_code != 0)
    throw std::runtime_error("layout_probe.c does not compile against " + include + ":\n" + compiled.err);
  auto ran = run_command({binary}, 30s);
  if (ran.exit_code != 0) throw std::runtime_error("layout_probe failed for " + include);
  ProbeOutput out;
  std::istringstream lines(ran.out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string name;
    fields >> name;
    if (name.rfind("debug.", 0) == 0) {
      std::size_t position = 0;
      long long value = 0;
      fields >> position >> value;
      out.debug[name.substr(6)] = {position, value};
    } else {
      long long value = 0;
      fields >> value;
      out.values[name] = value;
    }
    if (!fields) throw std::runtime_error("layout_probe printed an odd line: " + line);
  }
  return out;
}

ProcMemory::ProcMemory(pid_t pid) {
  fd_ = ::open(("/proc/" + std::to_string(pid) + "/mem").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error("cannot open /proc/" + std::to_string(pid) + "/mem");
}

ProcMemory::~ProcMemory() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t ProcMemory::read(std::uint64_t address, std::span<std::byte> out) const {
  std::size_t done = 0;
  while (done < out.size()) {
    // /proc/PID/mem takes the address as the file offset; above 2**63 it is negative and refused.
    if (address + done > static_cast<std::uint64_t>(INT64_MAX)) break;
    const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(address + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "gmr-python-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace gmr::test::python
