#include "report/render/report_json.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "attach/base/proc_state.hpp"
#include "report/render/format.hpp"
#include "report/render/json_values.hpp"
#include "report/render/python_json.hpp"
#include "report/render/wording.hpp"
#include "report/thread_index.hpp"

namespace gmr::report {
namespace {

using json = nlohmann::ordered_json;

json micros_or_null(const std::optional<std::chrono::microseconds>& value) {
  return value ? json(value->count()) : json(nullptr);
}

// The kernel shows no argv for a kernel thread or a zombie, and none could be read from a vanished process:
// there is no command line to give, so null (never [] standing for it).
json argv_or_null(const std::vector<std::string>& argv) {
  return argv.empty() ? json(nullptr) : json(argv);
}

json state_json(std::optional<char> state) {
  return state ? json(std::string(1, *state)) : json(nullptr);
}

json state_name_json(std::optional<char> state, const std::optional<std::string>& name) {
  if (name) return *name;
  if (state)
    if (auto known = attach::proc_state_name(*state)) return std::string{*known};
  return nullptr;
}

}  // namespace

void to_json(json& out, const Frame& frame) {
  out = json{
      {"index", frame.index},
      {"kind", frame.kind == Frame::Kind::python ? "python" : "native"},
      {"pc", format_address(frame.pc)},
      {"function", or_null(frame.function)},
      {"function_offset", hex_or_null(frame.function_offset)},
      {"module", or_null(frame.module)},
      {"module_offset", hex_or_null(frame.module_offset)},
      {"build_id", or_null(frame.build_id)},
      {"file", or_null(frame.file)},
      {"line", or_null(frame.line)},
      {"column", or_null(frame.column)},
      {"inlined", frame.inlined},
      {"jit", frame.jit},
      {"source", or_null(frame.source)},
      {"interpreter_plumbing", frame.interpreter_plumbing},
      {"python", frame.python ? python_frame_json(*frame.python) : json(nullptr)},
  };
}

void to_json(json& out, const BlockedSyscall& syscall) {
  json args = json::array();
  for (auto arg : syscall.args) args.push_back(format_hex(arg));
  out = json{{"number", syscall.number}, {"name", or_null(syscall.name)}, {"args", std::move(args)}};
}

namespace {

// The stable JSON names of the model's kinds (gmr(1), the JSON schema): never renamed; a new kind gets a
// new name.

std::string_view kind_name(Wait::Kind kind) {
  switch (kind) {
    case Wait::Kind::mutex: return "mutex";
    case Wait::Kind::join: return "join";
    case Wait::Kind::condition: return "condition";
    case Wait::Kind::futex: return "futex";
    case Wait::Kind::syscall: return "syscall";
  }
  return "syscall";
}

std::string_view kind_name(symbolize::AddressName::Kind kind) {
  using Kind = symbolize::AddressName::Kind;
  switch (kind) {
    case Kind::symbol: return "symbol";
    case Kind::stack: return "stack";
    case Kind::heap: return "heap";
    case Kind::mapping: return "mapping";
    case Kind::unknown: return "unknown";
  }
  return "unknown";
}

std::string_view kind_name(ThreadError::Kind kind) {
  using Kind = ThreadError::Kind;
  switch (kind) {
    case Kind::not_frozen: return "not_frozen";
    case Kind::no_registers: return "no_registers";
    case Kind::stack_not_captured: return "stack_not_captured";
    case Kind::stack_unreadable: return "stack_unreadable";
    case Kind::unwind_unavailable: return "unwind_unavailable";
    case Kind::unwind_stopped: return "unwind_stopped";
    case Kind::unwind_no_pc: return "unwind_no_pc";
    case Kind::unwind_memory_not_captured: return "unwind_memory_not_captured";
  }
  return "unwind_stopped";
}

std::string_view kind_name(StackEnd::Kind kind) {
  switch (kind) {
    case StackEnd::Kind::outermost_function: return "outermost_function";
    case StackEnd::Kind::jit_code: return "jit_code";
  }
  return "outermost_function";
}

std::string_view kind_name(Stop::Kind kind) {
  switch (kind) {
    case Stop::Kind::group_stop: return "group_stop";
    case Stop::Kind::signal_delivery: return "signal_delivery";
    case Stop::Kind::core_signal: return "core_signal";
  }
  return "group_stop";
}

std::string_view kind_name(CaptureNote::Kind kind) {
  using Kind = CaptureNote::Kind;
  switch (kind) {
    case Kind::threads_appeared: return "threads_appeared";
    case Kind::threads_vanished: return "threads_vanished";
    case Kind::threads_exited: return "threads_exited";
    case Kind::thread_not_frozen: return "thread_not_frozen";
    case Kind::no_debug_aranges: return "no_debug_aranges";
    case Kind::jit_frames: return "jit_frames";
    case Kind::python_not_read: return "python_not_read";
    case Kind::python_read_failed: return "python_read_failed";
    case Kind::python_budget_spent: return "python_budget_spent";
  }
  return "threads_exited";
}

std::string_view kind_name(DumpError::Kind kind) {
  using Kind = DumpError::Kind;
  switch (kind) {
    case Kind::no_such_process: return "no_such_process";
    case Kind::permission_denied: return "permission_denied";
    case Kind::already_traced: return "already_traced";
    case Kind::zombie: return "zombie";
    case Kind::kernel_thread: return "kernel_thread";
    case Kind::self: return "self";
    case Kind::not_a_process: return "not_a_process";
    case Kind::interrupted: return "interrupted";
    case Kind::system: return "system";
    case Kind::output: return "output";
    case Kind::internal: return "internal";
  }
  return "internal";
}

// The "object" text and the "location" object of a named address; both null when it is not named.
json object_json(std::optional<std::uint64_t> address, const std::optional<symbolize::AddressName>& name) {
  if (!address || !name) return nullptr;
  return address_name_text(*address, *name);
}

json location_json(const std::optional<symbolize::AddressName>& name) {
  if (!name) return nullptr;
  return json{
      {"kind", kind_name(name->kind)},
      {"symbol", or_null(name->symbol)},
      {"offset", hex_or_null(name->offset)},
      {"tid", or_null(name->tid)},
      {"mapping", or_null(name->mapping)},
  };
}

}  // namespace

void to_json(json& out, const WaitedFd& fd) { out = json{{"fd", fd.fd}, {"target", or_null(fd.target)}}; }

void to_json(json& out, const Wait& wait) {
  out = json{
      {"kind", kind_name(wait.kind)},
      {"syscall", wait.syscall},
      {"restarted", wait.restarted},
      {"address", hex_or_null(wait.address)},
      {"object", object_json(wait.address, wait.object)},
      {"location", location_json(wait.object)},
      {"priority_inheritance", wait.priority_inheritance},
      {"kernel_deadlock", wait.kernel_deadlock},
      {"thread", or_null(wait.thread)},
      {"foreign_owner", or_null(wait.foreign_owner)},
      {"fds", wait.fds},
      {"python_lock", wait.python_lock ? json(*wait.python_lock) : json(nullptr)},
  };
}

void to_json(json& out, const HeldLock& lock) {
  out = json{
      {"address", format_hex(lock.address)},
      {"object", object_json(lock.address, lock.object)},
      {"location", location_json(lock.object)},
      {"waiters", lock.waiters},
      {"recursion", or_null(lock.recursion)},
      {"priority_inheritance", lock.priority_inheritance},
  };
}

void to_json(json& out, const Stop& stop) {
  out = json{
      {"kind", kind_name(stop.kind)},
      {"signal", or_null(stop.signal)},
      {"signal_name", stop.signal ? json(signal_name(*stop.signal)) : json(nullptr)},
      {"message", stop_text(stop)},
  };
}

void to_json(json& out, const ThreadError& error) {
  json frame = nullptr;
  json pc = nullptr;
  if (error.after) {
    frame = or_null(error.after->index);
    pc = format_hex(error.after->pc);
  }
  out = json{
      {"kind", kind_name(error.kind)},
      {"message", thread_error_text(error)},
      {"errno", or_null(error.errno_value)},
      {"address", hex_or_null(error.address)},
      {"frame", std::move(frame)},
      {"pc", std::move(pc)},
      {"detail", or_null(error.detail)},
  };
}

void to_json(json& out, const StackEnd& end) {
  out = json{
      {"kind", kind_name(end.kind)},
      {"message", stack_end_text(end)},
      {"function", or_null(end.function)},
      {"detail", or_null(end.detail)},
      {"dropped_frames", end.dropped},
  };
}

void to_json(json& out, const CaptureNote& note) {
  out = json{
      {"kind", kind_name(note.kind)},
      {"message", note_text(note)},
      {"count", or_null(note.count)},
      {"tid", or_null(note.tid)},
      {"timeout_us", note.timeout ? json(std::chrono::microseconds(*note.timeout).count()) : json(nullptr)},
      {"module", or_null(note.module)},
      {"reason", or_null(note.reason)},
  };
}

void to_json(json& out, const Deadlock& deadlock) { out = json{{"threads", deadlock.threads}}; }

void to_json(json& out, const Thread& thread) {
  out = json{
      {"tid", thread.tid},
      {"name", or_null(thread.name)},
      {"frozen", thread.frozen},
      {"state", state_json(thread.state)},
      {"state_name", state_name_json(thread.state, thread.state_name)},
      {"cpu_user_us", micros_or_null(thread.cpu_user)},
      {"cpu_system_us", micros_or_null(thread.cpu_system)},
      {"syscall", or_null(thread.syscall)},
      {"wchan", or_null(thread.wchan)},
      {"stop", or_null(thread.stop)},
      {"errors", thread.errors},
      {"frames", thread.frames},
      {"frames_truncated", thread.frames_truncated},
      {"stack_end", or_null(thread.stack_end)},
      {"wait", or_null(thread.wait)},
      {"holds", thread.holds},
      {"python", thread.python ? python_thread_json(*thread.python) : json(nullptr)},
  };
}

json not_looked_up_json(const std::optional<Package::NotLookedUp>& why) {
  if (!why) return nullptr;
  switch (*why) {
    case Package::NotLookedUp::no_executable: return "no_executable";
    case Package::NotLookedUp::executable_deleted: return "executable_deleted";
    case Package::NotLookedUp::other_root: return "other_root";
  }
  return nullptr;
}

void to_json(json& out, const Package& package) {
  json debian = nullptr;
  if (package.package) debian = json{{"name", *package.package}, {"version", or_null(package.package_version)}};
  out = json{
      {"product", or_null(package.product)},
      {"vendor", or_null(package.vendor)},
      {"version", or_null(package.version)},
      {"executable", or_null(package.executable)},
      {"executable_deleted", package.executable_deleted},
      {"build_id", or_null(package.build_id)},
      {"debian_package", std::move(debian)},
      {"debian_package_not_looked_up", not_looked_up_json(package.not_looked_up)},
      {"kernel_release", package.kernel_release.empty() ? json(nullptr) : json(package.kernel_release)},
  };
}

void to_json(json& out, const Process& process) {
  out = json{
      {"pid", process.pid},
      {"ppid", process.ppid},
      {"depth", process.depth},
      {"uid", or_null(process.uid)},
      {"user", or_null(process.user)},
      {"state", state_json(process.state)},
      {"name", or_null(process.name)},
      {"cmdline", argv_or_null(process.cmdline)},
  };
}

void to_json(json& out, const Capture& capture) {
  out = json{
      {"captured_at", format_utc_timestamp(capture.captured_at)},
      {"consistent", capture.consistent},
      {"stop_window_us", std::chrono::duration_cast<std::chrono::microseconds>(capture.stop_window).count()},
      {"threads_found", capture.threads_found},
      {"threads_frozen", capture.threads_frozen},
      {"was_group_stopped", capture.was_group_stopped},
      {"thread_filter", or_null(capture.thread_filter)},
      {"notes", capture.notes},
  };
}

void to_json(json& out, const DumpError& error) {
  out = json{
      {"kind", kind_name(error.kind)},
      {"message", error.message},
      {"errno", or_null(error.errno_value)},
      {"tracer_pid", or_null(error.tracer_pid)},
      {"process_pid", or_null(error.process_pid)},
      {"signal", or_null(error.signal)},
  };
}

json group_json(const ThreadGroup& group, const ThreadIndex& threads) {
  json names = json::array();
  for (const auto& [name, count] : group.names) names.push_back(json{{"name", or_null(name)}, {"count", count}});
  const Thread* first = group.tids.empty() ? nullptr : threads.find(group.tids.front());
  return json{
      {"count", group.tids.size()},
      {"tids", group.tids},
      {"names", std::move(names)},
      {"frames", first != nullptr ? json(first->frames) : json::array()},
  };
}

json groups_json(const Report& report) {
  if (report.groups.empty()) return nullptr;
  const ThreadIndex threads(report.threads);
  json groups = json::array();
  for (const auto& group : report.groups) groups.push_back(group_json(group, threads));
  return groups;
}

json target_json(const Report& report) {
  const Capture& capture = report.capture;
  return json{
      {"pid", capture.pid},
      {"name", or_null(capture.name)},
      {"exe", or_null(report.package.executable)},
      {"exe_deleted", report.package.executable_deleted},
      {"cmdline", argv_or_null(capture.cmdline)},
      {"uid", or_null(capture.uid)},
      {"user", or_null(capture.user)},
  };
}

}  // namespace gmr::report
