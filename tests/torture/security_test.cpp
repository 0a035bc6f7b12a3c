// Security: gmr never writes into the target. Checked on the source of every room: the only ptrace
// requests are the read-only ones of the freeze protocol, memory is only read (process_vm_readv), and no
// /proc/PID/mem is opened at all. A new request or call must be added here on purpose.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_SUITE("torture::security") {
  TEST_CASE("no source of gmr can write into the target: read-only ptrace requests, process_vm_readv, no /proc/PID/mem") {
    const std::set<std::string> allowed = {"PTRACE_SEIZE", "PTRACE_INTERRUPT", "PTRACE_DETACH", "PTRACE_GETEVENTMSG",
                                           "PTRACE_GETREGSET"};
    const std::regex request(R"(ptrace\s*\(\s*(PTRACE_[A-Z_]+))");
    int files = 0, requests = 0;
    for (const char* room : {"attach", "symbolize", "report", "cli"}) {
      for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(GMR_SOURCE_DIR) / room)) {
        const std::string text = read_text(entry.path());
        ++files;
        INFO(entry.path().string());
        for (std::sregex_iterator it(text.begin(), text.end(), request), end; it != end; ++it) {
          ++requests;
          CHECK_MESSAGE(allowed.contains((*it)[1].str()), "ptrace request ", (*it)[1].str());
        }
        CHECK(text.find("process_vm_writev") == std::string::npos);
        CHECK(text.find("/mem\"") == std::string::npos);
        CHECK(text.find("PTRACE_POKE") == std::string::npos);
        CHECK(text.find("PTRACE_SETREG") == std::string::npos);
      }
    }
    CHECK(files > 20);
    CHECK(requests == 5);  // one call site each, all in attach/linux_kernel.cpp
  }
}
