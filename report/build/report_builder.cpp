#include "report/build/report_builder.hpp"

#include <algorithm>
#include <future>
#include <memory>
#include <optional>

#include "attach/live_files.hpp"
#include "symbolize/address_names.hpp"
#include "symbolize/build_id.hpp"
#include "report/build/config_sections.hpp"
#include "symbolize/frame_resolver.hpp"
#include "report/build/lock_analysis.hpp"
#include "report/build/package_info.hpp"
#include "report/build/python_lock_waits.hpp"
#include "report/build/python_merge.hpp"
#include "symbolize/snapshot_dwfl.hpp"
#include "symbolize/source_lines.hpp"
#include "report/build/thread_facts.hpp"
#include "symbolize/unwinder.hpp"
#include "report/build/user_names.hpp"

namespace gmr::report {
namespace {

std::optional<std::string> target_name(const attach::Snapshot& snapshot) {
  for (const auto& thread : snapshot.threads)
    if (thread.facts.tid == snapshot.pid) return thread.facts.name;
  for (const auto& process : snapshot.processes)
    if (process.pid == snapshot.pid) return process.name;
  return std::nullopt;
}

std::vector<report::CaptureNote> capture_notes(const attach::Snapshot& snapshot) {
  using Kind = report::CaptureNote::Kind;
  std::vector<report::CaptureNote> notes;
  const auto born = static_cast<std::size_t>(
      std::ranges::count_if(snapshot.threads, [](const auto& t) { return !t.facts_before_freeze; }));
  if (born > 0) notes.push_back({.kind = Kind::threads_appeared, .count = born});
  if (snapshot.threads_vanished > 0) notes.push_back({.kind = Kind::threads_vanished, .count = snapshot.threads_vanished});
  for (const auto& thread : snapshot.threads)
    if (thread.freeze == attach::FreezeState::not_frozen)
      notes.push_back({.kind = Kind::thread_not_frozen, .tid = thread.facts.tid, .timeout = snapshot.freeze_timeout});
  const auto exited = static_cast<std::size_t>(std::ranges::count_if(
      snapshot.threads, [](const auto& t) { return t.freeze == attach::FreezeState::exited; }));
  if (exited > 0) notes.push_back({.kind = Kind::threads_exited, .count = exited});
  return notes;
}

report::Capture capture_header(const attach::Snapshot& snapshot, const BuildOptions& options) {
  report::Capture capture;
  capture.pid = snapshot.pid;
  capture.cmdline = snapshot.cmdline;
  capture.name = target_name(snapshot);
  capture.uid = snapshot.uid;
  if (snapshot.uid) capture.user = user_name(*snapshot.uid);
  capture.thread_filter = options.threads;
  capture.captured_at = snapshot.captured_at;
  for (const auto& thread : snapshot.threads)
    capture.threads_found += thread.freeze != attach::FreezeState::exited;
  capture.threads_frozen = snapshot.frozen_count();
  capture.stop_window = snapshot.stop_window;
  capture.consistent = snapshot.consistent();
  capture.was_group_stopped = snapshot.was_group_stopped;
  capture.notes = capture_notes(snapshot);
  return capture;
}

// Why start_package_lookup() did not ask dpkg; nullopt when it did.
std::optional<report::Package::NotLookedUp> package_not_looked_up(const attach::Snapshot& snapshot) {
  using Why = report::Package::NotLookedUp;
  if (!snapshot.exe_path) return Why::no_executable;
  if (snapshot.exe_deleted) return Why::executable_deleted;
  if (!snapshot.shares_gmr_root) return Why::other_root;
  return std::nullopt;
}

// Scanning dpkg's file lists takes a few milliseconds (more with a cold page cache): it runs while the
// frames are being named.
std::future<std::optional<DebianPackage>> start_package_lookup(const attach::Snapshot& snapshot,
                                                               const std::optional<std::string>& cache_dir) {
  // A deleted executable is not the file dpkg now has under that name; nor is one in another root (a
  // container's /usr/bin/python3 belongs to the container's packages, not this machine's).
  if (package_not_looked_up(snapshot)) return {};
  return std::async(std::launch::async, [path = *snapshot.exe_path, cache_dir] {
    return debian_package(path, std::chrono::milliseconds(5000), cache_dir);
  });
}

report::Package package_section(const attach::Snapshot& snapshot, Dwfl* dwfl,
                                std::future<std::optional<DebianPackage>> owner) {
  report::Package package;
  package.not_looked_up = package_not_looked_up(snapshot);
  package.executable = snapshot.exe_path;
  package.executable_deleted = snapshot.exe_deleted;
  package.kernel_release = snapshot.kernel_release;
  if (snapshot.exe_path && dwfl != nullptr)
    if (Dwfl_Module* module = symbolize::find_module(dwfl, *snapshot.exe_path)) package.build_id = symbolize::build_id_hex(module);
  if (owner.valid())
    if (auto found = owner.get()) {
      package.package = found->name;
      package.package_version = found->version;
    }
  return package;
}

std::vector<report::Process> processes_section(const attach::Snapshot& snapshot) {
  std::vector<report::Process> processes;
  for (const auto& facts : snapshot.processes) {
    report::Process process;
    process.pid = facts.pid;
    process.ppid = facts.ppid;
    process.depth = facts.depth;
    process.uid = facts.uid;
    if (facts.uid) process.user = user_name(*facts.uid);
    process.state = facts.state;
    process.name = facts.name;
    process.cmdline = facts.cmdline;
    processes.push_back(std::move(process));
  }
  return processes;
}

report::ThreadError unavailable(std::string libdwfl_message) {
  return {.kind = report::ThreadError::Kind::unwind_unavailable, .detail = std::move(libdwfl_message)};
}

/// `thread` holds the frames named from `unwind`.
report::ThreadError unwind_error(const symbolize::UnwindError& error, const symbolize::RawUnwind& unwind,
                                 const report::Thread& thread) {
  using From = symbolize::UnwindError::Kind;
  using To = report::ThreadError::Kind;
  report::ThreadError out;
  switch (error.kind) {
    case From::libdwfl_error: out.kind = To::unwind_stopped; break;
    case From::no_pc: out.kind = To::unwind_no_pc; break;
    case From::memory_not_captured: out.kind = To::unwind_memory_not_captured; break;
  }
  out.detail = error.message;
  out.address = error.address;
  if (!unwind.frames.empty()) {
    // The last raw frame is the last named one (its out-of-line function) unless --max-frames cut the
    // named chain before it.
    out.after = report::ThreadError::After{std::nullopt, unwind.frames.back().pc};
    if (!thread.frames.empty() && !thread.frames_truncated) out.after->index = thread.frames.back().index;
  }
  return out;
}

report::StackEnd stack_end(const symbolize::StackEnd& end) {
  report::StackEnd out;
  out.kind = end.kind == symbolize::StackEnd::Kind::jit_code ? report::StackEnd::Kind::jit_code
                                                              : report::StackEnd::Kind::outermost_function;
  out.function = end.function;
  out.detail = end.beyond.message;
  out.dropped = end.dropped;
  return out;
}

/// The thread's frames: the native ones named, with its Python frames (if any) merged in at their eval
/// loops (python_merge.hpp); at most `max_frames`, indexed from 0. `resolver` may be null when `unwind`
/// has no frames (a thread that could not be unwound still shows its Python frames).
void add_frames(report::Thread& thread, const symbolize::RawUnwind& unwind, symbolize::FrameResolver* resolver,
                const symbolize::python::PythonThread* python, const PythonReading& reading,
                symbolize::SourceLines* sources, std::size_t max_frames) {
  std::vector<std::vector<symbolize::NamedFrame>> named;
  named.reserve(unwind.frames.size());
  for (const symbolize::RawFrame& raw : unwind.frames) named.push_back(resolver->resolve(raw));
  MergedFrames merged = merge_frames(unwind, named, python, reading.interpreter_module, sources);
  thread.frames_truncated = unwind.truncated || merged.cut;
  if (merged.frames.size() > max_frames) {
    merged.frames.resize(max_frames);
    thread.frames_truncated = true;
  }
  for (std::size_t i = 0; i < merged.frames.size(); ++i) merged.frames[i].index = static_cast<int>(i);
  // Exactly as many as it has: the slack of a vector grown frame by frame is, at thousands of threads,
  // tens of MB (issue 13).
  merged.frames.shrink_to_fit();
  thread.frames = std::move(merged.frames);
  if (thread.python) {
    thread.python->frames = merged.python_frames;
    thread.python->unplaced_frames = merged.unplaced;
  }
}

/// The Python side of the thread `tid`, when the walk found one.
const symbolize::python::PythonThread* python_thread(const PythonReading& reading, pid_t tid) {
  if (!reading.process) return nullptr;
  for (const auto& thread : reading.process->threads)
    if (thread.tid == tid) return &thread;
  return nullptr;
}

report::PythonThreadFacts python_facts(const symbolize::python::PythonThread& thread) {
  return {.name = thread.name,
          .thread_id = thread.thread_id,
          .thread_state = thread.thread_state,
          .holds_gil = thread.holds_gil,
          .truncated = thread.truncated};
}

/// A greenlet as the report shows it: a suspended one with its own frames, a running one with its thread's
/// Python frames (shim frames left out in both); at most `max_frames`.
report::GreenThread green_thread(const symbolize::python::GreenThread& greenlet, const PythonReading& reading,
                                 symbolize::SourceLines* sources, std::size_t max_frames) {
  report::GreenThread out{.address = greenlet.address,
                          .type_name = greenlet.type_name,
                          .tid = greenlet.tid,
                          .running = greenlet.running,
                          .main = greenlet.main,
                          .frames = {},
                          .frames_truncated = false,
                          .truncated = greenlet.frames.truncated};
  auto add = [&](const symbolize::python::PythonFrame& frame) {
    if (frame.frame.is_shim) return;
    if (out.frames.size() >= max_frames) {
      out.frames_truncated = true;
      return;
    }
    out.frames.push_back(python_frame(frame, true, sources));
    out.frames.back().index = static_cast<int>(out.frames.size() - 1);
  };
  if (!greenlet.running) {
    for (const auto& frame : greenlet.frames.frames) add(frame);
  } else if (const auto* thread = greenlet.tid ? python_thread(reading, *greenlet.tid) : nullptr) {
    for (const auto& run : thread->runs)
      for (const auto& frame : run.frames) add(frame);
    out.truncated = thread->truncated;
  }
  return out;
}

std::optional<report::PythonInfo> python_info(const PythonReading& reading, symbolize::SourceLines* sources,
                                              std::size_t max_frames) {
  if (!reading.process) return std::nullopt;
  report::PythonInfo info;
  if (const auto& process = reading.process) {
    info.version = process->version;
    info.layout = process->layout_provenance;
    info.module = reading.interpreter_module;
    info.gil_holder = process->gil_holder;
    info.threads_without_tid = static_cast<std::size_t>(
        std::ranges::count_if(process->threads, [](const auto& t) { return !t.tid.has_value(); }));
    info.errors = process->errors;
    if (process->green_threads)
      for (const auto& greenlet : *process->green_threads)
        info.green_threads.push_back(green_thread(greenlet, reading, sources, max_frames));
    info.green_threads_absent = process->green_threads_absent;
    info.green_threads_error = process->green_threads_error;
    info.gc_objects_walked = process->gc_objects_walked;
  }
  return info;
}

}  // namespace

report::Report build_report(const attach::Snapshot& snapshot, const BuildOptions& options) {
  const attach::LiveFiles files(attach::layout_of(snapshot));
  symbolize::OpenedSession session = symbolize::SnapshotDwfl::open(snapshot, files);
  return build_report(snapshot, session, options);
}

report::Report build_report(const attach::Snapshot& snapshot, symbolize::OpenedSession& session,
                            const BuildOptions& options, const PythonReading& python,
                            const StacksDone& stacks_done) {
  report::Report report;
  report.gmr_version = GMR_VERSION;
  report.capture = capture_header(snapshot, options);
  auto package_owner = start_package_lookup(snapshot, options.cache_dir);

  Dwfl* dwfl = session ? (*session)->dwfl() : nullptr;
  symbolize::SourceLines sources;
  std::optional<symbolize::FrameCache> frame_cache;
  if (options.cache_dir) frame_cache.emplace(*options.cache_dir);
  std::optional<symbolize::FrameResolver> resolver;
  if (dwfl != nullptr) resolver.emplace(dwfl, options.source_lines ? &sources : nullptr, frame_cache ? &*frame_cache : nullptr);

  std::vector<pid_t> wanted = options.threads.value_or(std::vector<pid_t>{});
  std::ranges::sort(wanted);
  const auto selected = [&](pid_t tid) { return !options.threads || std::ranges::binary_search(wanted, tid); };
  symbolize::SourceLines* source_lines = options.source_lines ? &sources : nullptr;
  symbolize::AddressNamer names(dwfl, snapshot);
  report.threads.reserve(snapshot.threads.size());
  for (const auto& thread : snapshot.threads) {
    if (thread.freeze == attach::FreezeState::exited || !selected(thread.facts.tid)) continue;
    report::Thread out = thread_facts(thread);
    const symbolize::python::PythonThread* python_side = python_thread(python, thread.facts.tid);
    if (python_side != nullptr) out.python = python_facts(*python_side);
    if (thread.freeze == attach::FreezeState::frozen) {
      if (!thread.registers) {
        if (!thread.error) out.errors.push_back({.kind = report::ThreadError::Kind::no_registers});
      } else if (!session) {
        out.errors.push_back(unavailable(session.error()));
      } else if ((*session)->unwind_unavailable()) {
        out.errors.push_back(unavailable(*(*session)->unwind_unavailable()));
      } else {
        const symbolize::RawUnwind unwind = symbolize::unwind_thread(**session, thread.facts.tid, options.max_frames);
        add_frames(out, unwind, &*resolver, python_side, python, source_lines, options.max_frames);
        if (unwind.error) out.errors.push_back(unwind_error(*unwind.error, unwind, out));
        if (unwind.end) out.stack_end = stack_end(*unwind.end);
      }
      if (python_side != nullptr && out.frames.empty())
        add_frames(out, {}, nullptr, python_side, python, source_lines, options.max_frames);
    }
    // The lock analysis looks at the stack copy (a PI wait's futex on the stack): now, while it is there.
    out.wait = classify_wait(thread, out, snapshot, names);
    if (stacks_done) stacks_done(thread);
    report.threads.push_back(std::move(out));
  }

  if (frame_cache) frame_cache->save();

  add_held_locks(snapshot, report);
  add_python_lock_waits(python, report);
  if (python.process) report.deadlocks = find_deadlocks(report.threads);  // with the Python lock waits' edges

  report.package = package_section(snapshot, dwfl, std::move(package_owner));
  report.processes = processes_section(snapshot);
  const report::SecretMask mask(!options.show_secrets, options.mask_keys);
  ConfigSections config = config_sections(snapshot, options.config_symbol, mask);
  report.package.product = std::move(config.product);
  report.package.vendor = std::move(config.vendor);
  report.package.version = std::move(config.version);
  report.configuration = std::move(config.configuration);
  report.custom_sections = std::move(config.custom);
  report.secrets_shown = options.show_secrets;
  report.config_symbol = options.config_symbol;
  std::size_t jit_frames = 0;
  for (const auto& thread : report.threads) jit_frames += std::ranges::count_if(thread.frames, &report::Frame::jit);
  if (jit_frames > 0) report.capture.notes.push_back({.kind = report::CaptureNote::Kind::jit_frames, .count = jit_frames});
  if (resolver)
    for (const std::string& module : resolver->modules_without_aranges())
      report.capture.notes.push_back({.kind = report::CaptureNote::Kind::no_debug_aranges, .module = module});
  for (const auto& note : python.notes) report.capture.notes.push_back(note);
  report.python = python_info(python, source_lines, options.max_frames);
  return report;
}

}  // namespace gmr::report
