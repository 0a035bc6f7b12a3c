#include "report/render/green_threads_text.hpp"

#include <string>

#include "report/render/format.hpp"
#include "report/render/frame_text.hpp"
#include "report/render/layout.hpp"
#include "report/render/thread_reference.hpp"
#include "report/render/wording.hpp"

namespace gmr::report {
namespace {

using layout::field;

std::string green_thread_thread(const GreenThread& greenlet, const ThreadIndex& threads) {
  if (!greenlet.tid) return "unknown";
  return thread_reference(*greenlet.tid, threads);
}

std::string green_thread_state(const GreenThread& greenlet) {
  std::string state = greenlet.running ? "running" : "suspended";
  if (greenlet.main) state += ", its thread's main greenlet";
  if (greenlet.running)
    state += greenlet.tid ? ": these are thread " + std::to_string(*greenlet.tid) + "'s Python frames"
                          : ": its thread is not known, no frames";
  return state;
}

}  // namespace

bool shows_green_threads(const Report& report) {
  return report.python && report.python->green_threads_absent != symbolize::python::GreenThreadsAbsent::no_greenlet_module;
}

void render_green_threads(const PythonInfo& python, const ThreadIndex& threads, std::ostream& out) {
  out << layout::section_banner("Green Threads");
  // A bound hit still lists the greenlets found among the objects visited before it.
  const bool partial = python.green_threads_absent == symbolize::python::GreenThreadsAbsent::budget;
  if (python.green_threads_absent && !partial) {
    out << printable(green_threads_absent_text(*python.green_threads_absent, python.green_threads_error)) << '\n';
    return;
  }
  const std::size_t n = python.green_threads.size();
  if (partial)
    out << field("greenlets", std::to_string(n) + " live, found among the first " +
                                  std::to_string(python.gc_objects_walked) + " GC-tracked objects (" +
                                  printable(green_threads_absent_text(*python.green_threads_absent,
                                                                      python.green_threads_error)) +
                                  ")");
  else
    out << field("greenlets", std::to_string(n) + " live, found among " + std::to_string(python.gc_objects_walked) +
                                  " GC-tracked objects");
  for (const auto& greenlet : python.green_threads) {
    out << '\n' << layout::thread_header("Green Thread " + format_hex(greenlet.address));
    out << field("type", printable(greenlet.type_name));
    out << field("thread", green_thread_thread(greenlet, threads));
    out << field("state", green_thread_state(greenlet));
    if (greenlet.truncated) out << field("python", "frames cut short: " + printable(greenlet.truncated->message));
    out << '\n';
    if (greenlet.frames.empty()) out << "(no frames)\n";
    const std::size_t width = index_width(greenlet.frames);
    for (const auto& frame : greenlet.frames) render_frame(frame, width, out);
    if (greenlet.frames_truncated) out << "... frames truncated\n";
  }
}

}  // namespace gmr::report
