#include "support/report_view.hpp"

#include <cstdio>
#include <stdexcept>

#include "report/build/report_builder.hpp"
#include "report/render/wording.hpp"

namespace gmr::test {

attach::Snapshot capture_or_throw(pid_t pid) {
  auto snapshot = attach::capture(pid, {});
  if (!snapshot)
    throw std::runtime_error("capture(" + std::to_string(pid) + ") failed: " + snapshot.error().message);
  return std::move(*snapshot);
}

report::Report dump_in_process(pid_t pid) { return report::build_report(capture_or_throw(pid), {}); }

std::string basename_of(const symbolize::SharedText& path) {
  if (!path) return "";
  auto slash = path->rfind('/');
  return slash == std::string::npos ? *path : path->substr(slash + 1);
}

const report::Thread* find_thread(const report::Report& report, std::string_view name) {
  for (const auto& thread : report.threads)
    if (thread.name && *thread.name == name) return &thread;
  return nullptr;
}

const report::Thread* find_thread(const report::Report& report, pid_t tid) {
  for (const auto& thread : report.threads)
    if (thread.tid == tid) return &thread;
  return nullptr;
}

std::string describe_frames(const report::Thread& thread) {
  std::string text = "thread " + std::to_string(thread.tid) + " " + thread.name.value_or("?") + ":\n";
  for (const auto& frame : thread.frames) {
    char pc[32];
    std::snprintf(pc, sizeof pc, "0x%llx", static_cast<unsigned long long>(frame.pc));
    text += "  #" + std::to_string(frame.index) + " " + pc + (frame.inlined ? " [inlined] " : " ") +
            frame.function.value_or("??") + " (" + basename_of(frame.module) + ") " +
            frame.file.value_or("?") + ":" + (frame.line ? std::to_string(*frame.line) : "?") + "\n";
  }
  for (const auto& error : thread.errors) text += "  error: " + report::thread_error_text(error) + "\n";
  return text;
}

}  // namespace gmr::test
