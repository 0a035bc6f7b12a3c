#include "torture/torture.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "support/process.hpp"

namespace gmr::test {

bool long_mode() {
  const char* value = std::getenv("GMR_LONG");
  return value != nullptr && std::string_view(value) == "1";
}

int count(int bounded, int long_count) { return long_mode() ? long_count : bounded; }

bool none_stopped(pid_t pid) {
  for (auto [tid, state] : thread_states(pid))
    if (state == 'T' || state == 't') return false;
  return true;
}

std::optional<pid_t> tracer_of(pid_t pid, pid_t tid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with("TracerPid:")) return static_cast<pid_t>(std::stol(line.substr(10)));
  return std::nullopt;
}

bool none_traced(pid_t pid) {
  for (pid_t tid : thread_ids(pid))
    if (tracer_of(pid, tid).value_or(0) != 0) return false;
  return true;
}

std::string states_text(pid_t pid) {
  std::string text;
  for (auto [tid, state] : thread_states(pid))
    text += std::to_string(tid) + ":" + state + "/" + std::to_string(tracer_of(pid, tid).value_or(-1)) + " ";
  return text;
}

bool wait_let_go(pid_t pid) {
  return wait_until(5s, [&] { return none_traced(pid) && none_stopped(pid); });
}

void report_figures(std::string_view name, const std::string& figures) {
  std::cerr << "torture: " << name << ' ' << figures << '\n';
}

}  // namespace gmr::test
