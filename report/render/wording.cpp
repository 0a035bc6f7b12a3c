#include "report/render/wording.hpp"

#include <csignal>
#include <cstring>

#include "report/render/format.hpp"

namespace gmr::report {
namespace {

// "1 thread exited", "3 threads exited": `one` and `many` are the rest of the sentence for each number.
std::string threads_sentence(std::size_t count, std::string_view one, std::string_view many) {
  return std::to_string(count) + (count == 1 ? " thread " + std::string{one} : " threads " + std::string{many});
}

std::string basename_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Where an unwind stopped: "before the first frame", "after #3 at 0x7f…".
std::string unwind_position(const std::optional<ThreadError::After>& after) {
  if (!after) return "before the first frame";
  if (!after->index) return "after the frame at " + format_hex(after->pc);
  return "after #" + std::to_string(*after->index) + " at " + format_hex(after->pc);
}

// Where to turn for frames of JIT code.
constexpr std::string_view jit_tools =
    "the runtime's own tools name them (jstack PID for a JVM; node --perf-basic-prof for node)";

std::string with_detail(std::string text, const std::optional<std::string>& detail) {
  return detail ? text + ": " + *detail : text;
}

}  // namespace

std::string signal_name(int signal) {
  if (signal >= SIGRTMIN && signal <= SIGRTMAX) {
    if (signal == SIGRTMIN) return "SIGRTMIN";
    if (signal == SIGRTMAX) return "SIGRTMAX";
    return "SIGRTMIN+" + std::to_string(signal - SIGRTMIN);
  }
  if (const char* abbrev = sigabbrev_np(signal)) return std::string("SIG") + abbrev;
  return "signal " + std::to_string(signal);
}

std::string thread_error_text(const ThreadError& error) {
  using Kind = ThreadError::Kind;
  switch (error.kind) {
    case Kind::not_frozen: return "not frozen: did not stop within the timeout";
    case Kind::no_registers: return "registers could not be read (thread killed while frozen?)";
    case Kind::stack_not_captured: return "stack pointer is in no mapping: stack not copied";
    case Kind::stack_unreadable:
      return error.errno_value ? std::string("stack could not be read: ") + std::strerror(*error.errno_value)
                               : std::string("stack could not be read");
    case Kind::unwind_unavailable: return with_detail("cannot unwind", error.detail);
    case Kind::unwind_stopped: return with_detail("unwind stopped " + unwind_position(error.after), error.detail);
    case Kind::unwind_no_pc:
      return with_detail("unwind stopped " + unwind_position(error.after) + ": no pc for the next frame", error.detail);
    case Kind::unwind_memory_not_captured:
      return "unwind stopped " + unwind_position(error.after) + ": memory at " +
             (error.address ? format_hex(*error.address) : std::string("an unknown address")) +
             " was not captured (outside the copied stack)";
  }
  return "unknown error";
}

std::string stack_end_text(const StackEnd& end) {
  switch (end.kind) {
    case StackEnd::Kind::outermost_function:
      return "the stack starts at " + end.function.value_or("its outermost frame") +
             ": nothing past it is a frame (the unwinder's error there is not one)";
    case StackEnd::Kind::jit_code:
      return "the stack goes on in code generated at run time (JIT code in an anonymous executable mapping), "
             "which has no unwind information: " + std::string(jit_tools);
  }
  return "the stack ends here";
}

std::string stop_text(const Stop& stop) {
  switch (stop.kind) {
    case Stop::Kind::group_stop: return "group-stop (process was stopped; left stopped)";
    case Stop::Kind::signal_delivery:
      return stop.signal ? "signal " + signal_name(*stop.signal) + " raced the freeze (re-delivered)"
                         : std::string("a signal raced the freeze (re-delivered)");
    case Stop::Kind::core_signal:
      return stop.signal ? "dumped for signal " + signal_name(*stop.signal) + " (the core's faulting thread)"
                         : std::string("dumped for a signal (the core's faulting thread)");
  }
  return "stopped";
}

std::string note_text(const CaptureNote& note) {
  using Kind = CaptureNote::Kind;
  const std::size_t count = note.count.value_or(0);
  switch (note.kind) {
    case Kind::threads_appeared:
      return threads_sentence(count, "appeared during the freeze: its state and CPU times were read after it",
                              "appeared during the freeze: their state and CPU times were read after it");
    case Kind::threads_vanished:
      return threads_sentence(count, "exited during the freeze and is not shown",
                              "exited during the freeze and are not shown");
    case Kind::threads_exited:
      return threads_sentence(count, "exited during the capture and is not shown",
                              "exited during the capture and are not shown");
    case Kind::thread_not_frozen:
      return "thread " + (note.tid ? std::to_string(*note.tid) : std::string("?")) + " did not stop within " +
             (note.timeout ? std::to_string(note.timeout->count()) + " ms" : std::string("the timeout")) +
             ": not frozen";
    case Kind::no_debug_aranges:
      return note.module.value_or("a module") +
             ": no .debug_aranges for some code; its CUs were located by their address ranges";
    case Kind::jit_frames:
      return (count == 1 ? std::string("1 frame is") : std::to_string(count) + " frames are") +
             " in code generated at run time (JIT code in an anonymous executable mapping) that gmr cannot name: " +
             std::string(jit_tools);
    case Kind::python_not_read: return note.reason.value_or("an unsupported Python") + ": Python stacks not read";
    case Kind::python_read_failed:
      return "reading the Python interpreter while frozen failed: " + note.reason.value_or("unknown error");
    case Kind::python_budget_spent:
      return "the " + std::to_string(count >> 10) +
             " KiB budget for reading the Python interpreter while frozen was spent: what lay beyond it was not "
             "captured";
  }
  return "";
}

std::string not_looked_up_text(Package::NotLookedUp why) {
  switch (why) {
    case Package::NotLookedUp::no_executable: return "executable unknown";
    case Package::NotLookedUp::executable_deleted: return "executable deleted";
    case Package::NotLookedUp::other_root: return "other mount namespace or root";
  }
  return "unknown reason";
}

std::string restarted_text(const Wait& wait) {
  return "continuing " + wait.syscall + ", restarted after an earlier stop";
}

std::string python_version_text(std::uint32_t hexversion) {
  std::string text = std::to_string(hexversion >> 24) + "." + std::to_string((hexversion >> 16) & 0xff) + "." +
                     std::to_string((hexversion >> 8) & 0xff);
  const unsigned level = (hexversion >> 4) & 0xf;
  const unsigned serial = hexversion & 0xf;
  switch (level) {
    case 0xa: return text + "a" + std::to_string(serial);
    case 0xb: return text + "b" + std::to_string(serial);
    case 0xc: return text + "rc" + std::to_string(serial);
    default: return text;
  }
}

std::string green_threads_absent_text(symbolize::python::GreenThreadsAbsent why,
                                      const std::optional<symbolize::python::DecodeError>& error) {
  using Why = symbolize::python::GreenThreadsAbsent;
  const std::string detail = error ? ": " + error->message : "";
  switch (why) {
    case Why::not_asked: return "not read: --no-green-threads (the GC-tracked objects were not walked)";
    case Why::no_greenlet_module: return "not read: no greenlet module is loaded in the process";
    case Why::collecting: return "not read: a garbage collection was running at the frozen instant (its lists were in flux)";
    case Why::budget: return "a partial list: the search hit its bound" + detail;
    case Why::unreadable: return "not read" + detail;
  }
  return "not read";
}

const char* green_threads_absent_name(symbolize::python::GreenThreadsAbsent why) {
  using Why = symbolize::python::GreenThreadsAbsent;
  switch (why) {
    case Why::not_asked: return "not_asked";
    case Why::no_greenlet_module: return "no_greenlet_module";
    case Why::collecting: return "collecting";
    case Why::budget: return "budget";
    case Why::unreadable: return "unreadable";
  }
  return "unreadable";
}

std::string python_thread_text(const PythonThreadFacts& python) {
  std::string text = "ident " + format_hex(python.thread_id);
  if (python.holds_gil) text += ", holds the GIL";
  return text;
}

std::string address_name_text(std::uint64_t address, const symbolize::AddressName& name) {
  using Kind = symbolize::AddressName::Kind;
  const std::string hex = format_hex(address);
  switch (name.kind) {
    case Kind::symbol: {
      std::string text = name.symbol.value_or(hex);
      if (name.symbol && name.offset && *name.offset != 0) text += "+" + format_hex(*name.offset);
      return text;
    }
    case Kind::stack: return "stack of thread " + (name.tid ? std::to_string(*name.tid) : std::string("?")) + " " + hex;
    case Kind::heap: return "heap " + hex;
    case Kind::mapping: {
      const std::string path = name.mapping.value_or("");
      if (path.empty()) return hex;
      return (path.starts_with('[') ? path : basename_of(path)) + " " + hex;
    }
    case Kind::unknown: return hex;
  }
  return hex;
}

}  // namespace gmr::report
