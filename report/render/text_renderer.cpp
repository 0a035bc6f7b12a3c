#include "report/render/text_renderer.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>

#include "report/render/config_text.hpp"
#include "report/render/format.hpp"
#include "report/render/frame_text.hpp"
#include "report/render/frame_view.hpp"
#include "report/render/green_threads_text.hpp"
#include "report/render/layout.hpp"
#include "report/render/recursion_fold.hpp"
#include "report/render/thread_reference.hpp"
#include "report/render/wording.hpp"
#include "report/thread_index.hpp"

namespace gmr::report {

namespace {

using layout::field;

std::string or_unknown(const std::optional<std::string>& value) {
  return value ? printable(*value) : "unknown";
}

std::string command_or_unknown(const std::vector<std::string>& argv) {
  return argv.empty() ? "unknown" : format_command_line(argv);
}

std::string join(const std::vector<std::string>& words, std::string_view separator) {
  std::string joined;
  for (const auto& word : words) joined += (joined.empty() ? "" : std::string{separator}) + word;
  return joined;
}

// ---- header ------------------------------------------------------------------------------------

std::string consistency(const Report& report) {
  if (report.capture.consistent) return "yes";
  std::vector<std::string> not_frozen;
  for (const auto& thread : report.threads)
    if (!thread.frozen) not_frozen.push_back(std::to_string(thread.tid));
  if (!not_frozen.empty())
    return "no: " + std::string{not_frozen.size() == 1 ? "thread " : "threads "} + join(not_frozen, ", ") +
           " not frozen";
  const auto& capture = report.capture;
  if (capture.threads_frozen < capture.threads_found)
    return "no: only " + std::to_string(capture.threads_frozen) + " of " +
           std::to_string(capture.threads_found) + " threads frozen";
  return "no: see notes";
}

// "CPython 3.11.2 (/usr/bin/python3.11), GIL held by thread 12 \"spin\"", "…, GIL not held".
std::string python_text(const Report& report) {
  const PythonInfo& python = *report.python;
  std::string text = "CPython " + python_version_text(*python.version);
  if (python.module && !python.module->empty()) text += " (" + printable(*python.module) + ")";
  if (!python.gil_holder) return text + ", GIL not held";
  text += ", GIL held by thread " + std::to_string(*python.gil_holder);
  for (const auto& thread : report.threads)
    if (thread.tid == *python.gil_holder && thread.shown_name())
      text += " \"" + printable(*thread.shown_name()) + "\"";
  return text;
}

void render_notes(const Report& report, std::ostream& out) {
  const Capture& capture = report.capture;
  const std::size_t python_notes =
      report.python ? report.python->errors.size() + report.python->threads_without_tid : 0;
  if (!capture.was_group_stopped && capture.notes.empty() && python_notes == 0) return;
  out << field("notes", "");
  if (capture.was_group_stopped) out << "  process was stopped before gmr (left stopped)\n";
  for (const auto& note : capture.notes) out << "  " << printable(note_text(note)) << '\n';
  if (report.python) {
    for (const auto& error : report.python->errors) out << "  python: " << printable(error.message) << '\n';
    if (const std::size_t n = report.python->threads_without_tid; n > 0)
      out << "  python: " << n << (n == 1 ? " thread state has" : " thread states have")
          << " no thread of this process: not shown\n";
  }
}

void render_header(const Report& report, std::ostream& out) {
  const auto& capture = report.capture;
  out << layout::section_banner("Guru Meditation Report");
  out << field("pid", std::to_string(capture.pid));
  out << field("command line", command_or_unknown(capture.cmdline));
  out << field("captured at", format_utc_timestamp(capture.captured_at));
  out << field("threads", std::to_string(capture.threads_found) + " found, " +
                              std::to_string(capture.threads_frozen) + " frozen");
  if (capture.thread_filter) {
    std::vector<std::string> shown;
    for (const auto& thread : report.threads) shown.push_back(std::to_string(thread.tid));
    out << field("shown", (shown.empty() ? std::string{"none"} : join(shown, ", ")) + " (--threads)");
  }
  out << field("stop window", format_milliseconds(capture.stop_window));
  out << field("consistent", consistency(report));
  if (report.python && report.python->version) out << field("python", python_text(report));
  render_notes(report, out);
  if (report.secrets_shown) out << field("secrets", "shown, not masked (--show-secrets)");
  out << field("gmr version", report.gmr_version.empty() ? "unknown" : printable(report.gmr_version));
}

// ---- package -----------------------------------------------------------------------------------

std::string debian_package(const Package& package) {
  if (package.not_looked_up) return "not looked up: " + not_looked_up_text(*package.not_looked_up);
  if (!package.package) return "not known to dpkg";
  const auto version = package.package_version ? printable(*package.package_version) : "(version unknown)";
  return printable(*package.package) + " " + version;
}

void render_package(const Package& package, std::ostream& out) {
  out << layout::section_banner("Package");
  out << field("product", or_unknown(package.product));
  out << field("vendor", or_unknown(package.vendor));
  out << field("version", or_unknown(package.version));
  out << field("executable", or_unknown(package.executable) + (package.executable_deleted ? " (deleted)" : ""));
  out << field("build id", or_unknown(package.build_id));
  out << field("package", debian_package(package));
  out << field("kernel", package.kernel_release.empty() ? "unknown" : printable(package.kernel_release));
}

// ---- threads -----------------------------------------------------------------------------------

// "Thread 12 \"worker-1\"": Python's name when it has one, with the OS's (comm) beside it when it differs.
std::string thread_title(const Thread& thread) {
  const auto& shown = thread.shown_name();
  std::string title = "Thread " + std::to_string(thread.tid) + " " +
                      (shown ? "\"" + printable(*shown) + "\"" : std::string{"(name unknown)"});
  if (thread.name && shown != thread.name) title += " (comm \"" + printable(*thread.name) + "\")";
  return title;
}

std::string cpu_times(const Thread& thread) {
  const auto seconds = [](const auto& t) { return t ? format_seconds(*t) : std::string{"unknown"}; };
  return "user " + seconds(thread.cpu_user) + ", system " + seconds(thread.cpu_system);
}

std::string syscall_text(const std::optional<BlockedSyscall>& syscall) {
  if (!syscall) return "unknown";
  std::vector<std::string> args;
  for (auto arg : syscall->args) args.push_back(format_hex(arg));
  const auto name = syscall->name ? printable(*syscall->name) : "syscall " + std::to_string(syscall->number);
  return name + "(" + join(args, ", ") + ")";
}

void render_thread_facts(const Thread& thread, std::ostream& out) {
  out << field("frozen", thread.frozen ? "yes" : "no");
  out << field("state", format_state(thread.state, thread.state_name));
  out << field("cpu", cpu_times(thread));
  std::string syscall = syscall_text(thread.syscall);
  if (thread.wait && thread.wait->restarted) syscall += " (" + printable(restarted_text(*thread.wait)) + ")";
  out << field("syscall", syscall);
  out << field("wchan", or_unknown(thread.wchan));
  if (thread.stop) out << field("stop", printable(stop_text(*thread.stop)));
  for (const auto& error : thread.errors) out << field("error", printable(thread_error_text(error)));
  if (thread.python) {
    out << field("python", python_thread_text(*thread.python));
    if (const std::size_t n = thread.python->unplaced_frames; n > 0)
      out << field("python", std::to_string(n) + (n == 1 ? " frame" : " frames") +
                                 " whose eval loop was not found among the native frames: shown first");
    if (thread.python->truncated)
      out << field("python", "frames cut short: " + printable(thread.python->truncated->message));
  }
}

// ---- locks ---------------------------------------------------------------------------------------

std::string object_text(const Wait& wait) {
  if (wait.address && wait.object) return printable(address_name_text(*wait.address, *wait.object));
  if (wait.address) return format_hex(*wait.address);
  return "a mutex not identified";
}

std::string fd_text(const WaitedFd& fd) {
  if (fd.target) return "fd " + std::to_string(fd.fd) + ": " + printable(*fd.target);
  return "fd " + std::to_string(fd.fd) + ": " + (fd.target_known ? "closed since" : "unknown");
}

/// "waiting to acquire _thread.RLock 0x7f… held by thread 12 \"worker\" (acquired 2 times), asked by
/// Job.run at /srv/job.py:42; futex heap 0x…": a Python thread's lock wait, with the native futex it is.
std::string python_lock_text(const Wait& wait, const PythonLock& lock, const ThreadIndex& threads) {
  std::string text = "waiting to acquire " + printable(lock.type) + " " + format_hex(lock.address);
  if (lock.kind == PythonLock::Kind::rlock) {
    if (lock.owner)
      text += " held by " + thread_reference(*lock.owner, threads);
    else if (lock.owner_ident)
      text += " held by thread ident " + format_hex(*lock.owner_ident) + ", no Python thread read";
    else
      text += " (not held at the frozen instant)";
    if (lock.count) text += " (acquired " + std::to_string(*lock.count) + (*lock.count == 1 ? " time)" : " times)");
  } else {
    text += " (a Lock records no owner)";
  }
  text += ", asked by " + printable(lock.function.empty() ? std::string{"??"} : lock.function) + " at " +
          printable(lock.file) + ":" + (lock.line ? std::to_string(*lock.line) : std::string{"?"});
  if (lock.frame) text += " (#" + std::to_string(*lock.frame) + ")";
  return text + "; futex " + object_text(wait);
}

/// "waiting to lock app::lock_b held by thread 12 \"lock-b\"": the jstack-like line of a blocked thread.
std::string wait_text(const Wait& wait, const ThreadIndex& threads) {
  if (wait.python_lock) return python_lock_text(wait, *wait.python_lock, threads);
  switch (wait.kind) {
    case Wait::Kind::mutex: {
      std::string text = "waiting to lock " + object_text(wait) + (wait.priority_inheritance ? " (priority inheritance)" : "");
      if (wait.thread)
        text += " held by " + thread_reference(*wait.thread, threads);
      else if (wait.foreign_owner)
        text += " held by tid " + std::to_string(*wait.foreign_owner) + ", not a thread of this process";
      else
        text += " (owner unknown)";
      if (wait.kernel_deadlock) text += "; the kernel refused it with EDEADLK and glibc waits forever";
      return text;
    }
    case Wait::Kind::join: return "waiting for " + thread_reference(wait.thread.value_or(0), threads) + " to exit";
    case Wait::Kind::condition: return "waiting on condition " + object_text(wait);
    case Wait::Kind::futex: return "waiting on futex " + object_text(wait);
    case Wait::Kind::syscall: {
      std::vector<std::string> fds;
      for (const auto& fd : wait.fds) fds.push_back(fd_text(fd));
      return "blocked in " + printable(wait.syscall) + (fds.empty() ? "" : "(" + join(fds, ", ") + ")");
    }
  }
  return "";
}

std::string held_text(const HeldLock& lock) {
  std::vector<std::string> facts;
  if (lock.priority_inheritance) facts.push_back("priority inheritance");
  if (lock.recursion) facts.push_back("locked " + std::to_string(*lock.recursion) + " times");
  facts.push_back(std::to_string(lock.waiters) + (lock.waiters == 1 ? " waiter" : " waiters"));
  const std::string object =
      lock.object ? printable(address_name_text(lock.address, *lock.object)) : format_hex(lock.address);
  return "holds " + object + " (" + join(facts, ", ") + ")";
}

void render_lock_lines(const Thread& thread, const ThreadIndex& threads, std::ostream& out) {
  if (thread.wait) out << "- " << wait_text(*thread.wait, threads) << '\n';
  for (const auto& lock : thread.holds) out << "- " << held_text(lock) << '\n';
}

void render_frames(const Thread& thread, bool all, std::ostream& out) {
  if (thread.frames.empty()) out << "(no frames)\n";
  const FrameView view = frame_view(thread, all);
  const std::vector<const Frame*>& frames = view.shown;
  const auto width = index_width(thread.frames);
  for (std::size_t i = 0; i < frames.size();) {
    const Repetition run = repetition_at(frames, i);
    if (!worth_folding(run)) {
      render_frame(*frames[i++], width, out);
      continue;
    }
    for (std::size_t k = 0; k < 2 * run.period; ++k) render_frame(*frames[i + k], width, out);
    out << fold_text(frames, i, run) << '\n';
    const std::size_t last_round = i + (run.rounds - 1) * run.period;
    for (std::size_t k = 0; k < run.period; ++k) render_frame(*frames[last_round + k], width, out);
    i += run.rounds * run.period;
  }
  if (thread.frames_truncated) out << "... frames truncated\n";
  if (thread.stack_end) out << "(" << printable(stack_end_text(*thread.stack_end)) << ")\n";
  if (view.hidden > 0)
    out << "(" << view.hidden << (view.hidden == 1 ? " native frame" : " native frames")
        << " not shown: the interpreter's plumbing and the thread's start-up; --native shows every frame)\n";
}


void render_threads(const std::vector<Thread>& threads, const ThreadIndex& index, bool all, std::ostream& out) {
  out << layout::section_banner("Threads");
  if (threads.empty()) out << "no threads\n";
  for (std::size_t i = 0; i < threads.size(); ++i) {
    if (i > 0) out << '\n';
    out << layout::thread_header(thread_title(threads[i]));
    render_thread_facts(threads[i], out);
    render_lock_lines(threads[i], index, out);
    out << '\n';
    render_frames(threads[i], all, out);
  }
}

// ---- groups (--group) -----------------------------------------------------------------------------

// "1001-1600, 1602": runs of consecutive tids.
std::string tid_ranges(const std::vector<pid_t>& tids) {
  std::vector<std::string> runs;
  for (std::size_t i = 0; i < tids.size();) {
    std::size_t j = i;
    while (j + 1 < tids.size() && tids[j + 1] == tids[j] + 1) ++j;
    runs.push_back(std::to_string(tids[i]) + (j > i ? "-" + std::to_string(tids[j]) : ""));
    i = j + 1;
  }
  return join(runs, ", ");
}

// "crowd-read (600), worker (2)": each distinct name with its count, in the order first met.
std::string name_counts(const ThreadGroup& group) {
  std::vector<std::string> parts;
  for (const auto& [name, count] : group.names)
    parts.push_back((name ? "\"" + printable(*name) + "\"" : std::string{"(name unknown)"}) + " (" +
                    std::to_string(count) + ")");
  return join(parts, ", ");
}

// How many threads wait on each address (mutex, condition, futex word).
using WaiterCounts = std::map<std::uint64_t, std::size_t>;

WaiterCounts waiter_counts(const std::vector<Thread>& threads) {
  WaiterCounts counts;
  for (const auto& thread : threads)
    if (thread.wait && thread.wait->address) ++counts[*thread.wait->address];
  return counts;
}

// A condition or futex wait on an object no other thread waits on and that is no named global — a server
// connection thread's own condition variable — worded by where such objects are, so that a group's threads
// each waiting on their own object share one line: "waiting on a condition of its own, on its stack".
std::optional<std::string> own_object_wait_text(const Thread& thread, const WaiterCounts& waiters) {
  const Wait& wait = *thread.wait;
  if (wait.kind != Wait::Kind::condition && wait.kind != Wait::Kind::futex) return std::nullopt;
  if (wait.python_lock) return std::nullopt;
  if (!wait.address || !wait.object) return std::nullopt;
  const auto count = waiters.find(*wait.address);
  if (count == waiters.end() || count->second != 1) return std::nullopt;
  using Where = symbolize::AddressName::Kind;
  std::string where;
  switch (wait.object->kind) {
    case Where::stack:
      if (wait.object->tid != thread.tid) return std::nullopt;
      where = "on its stack";
      break;
    case Where::heap: where = "in the heap"; break;
    case Where::mapping: {
      const std::string path = wait.object->mapping.value_or("");
      if (path.empty()) return std::nullopt;
      const auto slash = path.rfind('/');
      where = "in " + printable(path.starts_with('[') || slash == std::string::npos ? path : path.substr(slash + 1));
      break;
    }
    case Where::symbol:
    case Where::unknown: return std::nullopt;
  }
  return std::string{"waiting on a "} + (wait.kind == Wait::Kind::condition ? "condition" : "futex") +
         " of its own, " + where;
}

// A group's waits, each distinct line once with how many of its threads have it; holds name their thread.
void render_group_lock_lines(const ThreadGroup& group, const ThreadIndex& threads, const WaiterCounts& waiters,
                             std::ostream& out) {
  if (group.tids.size() == 1) {
    if (const Thread* thread = threads.find(group.tids.front())) render_lock_lines(*thread, threads, out);
    return;
  }
  std::vector<std::pair<std::string, std::size_t>> waits;  // in the order first met
  std::unordered_map<std::string, std::size_t> wait_position;
  std::vector<std::string> holds;
  for (pid_t tid : group.tids) {
    const Thread* thread = threads.find(tid);
    if (thread == nullptr) continue;
    if (thread->wait) {
      std::string text = own_object_wait_text(*thread, waiters).value_or(wait_text(*thread->wait, threads));
      auto [seen, added] = wait_position.try_emplace(text, waits.size());
      if (added)
        waits.emplace_back(std::move(text), 1);
      else
        ++waits[seen->second].second;
    }
    for (const auto& lock : thread->holds) holds.push_back("thread " + std::to_string(tid) + " " + held_text(lock));
  }
  for (const auto& [text, count] : waits)
    out << "- " << text << " (" << count << (count == 1 ? " thread" : " threads") << ")\n";
  for (const auto& text : holds) out << "- " << text << '\n';
}

void render_groups(const std::vector<ThreadGroup>& groups, const ThreadIndex& threads, const WaiterCounts& waiters,
                   bool all, std::ostream& out) {
  out << layout::section_banner("Threads");
  if (groups.empty()) out << "no threads\n";
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const auto& group = groups[i];
    const Thread* first = threads.find(group.tids.front());
    if (first == nullptr) continue;
    if (i > 0) out << '\n';
    const std::size_t n = group.tids.size();
    out << layout::thread_header(std::to_string(n) + (n == 1 ? " thread" : " threads"));
    out << field("tids", tid_ranges(group.tids));
    out << field("names", name_counts(group));
    render_group_lock_lines(group, threads, waiters, out);
    out << '\n';
    render_frames(*first, all, out);
  }
}

// ---- deadlocks ---------------------------------------------------------------------------------

// jstack's "Found one Java-level deadlock:": each thread, what it waits for and who holds it, then stacks.
void render_deadlocks(const std::vector<Deadlock>& deadlocks, const ThreadIndex& threads, bool all,
                      std::ostream& out) {
  out << layout::section_banner("Deadlocks");
  for (std::size_t i = 0; i < deadlocks.size(); ++i) {
    if (i > 0) out << '\n';
    out << "Found one deadlock:\n";
    for (pid_t tid : deadlocks[i].threads) {
      const Thread* thread = threads.find(tid);
      if (thread == nullptr) continue;
      out << "  " << thread_reference(tid, threads) << ": "
          << (thread->wait ? wait_text(*thread->wait, threads) : "?") << '\n';
    }
    for (pid_t tid : deadlocks[i].threads) {
      const Thread* thread = threads.find(tid);
      if (thread == nullptr) continue;
      out << '\n' << layout::thread_header(thread_title(*thread));
      render_frames(*thread, all, out);
    }
  }
}

// ---- processes ---------------------------------------------------------------------------------

std::string run_by(const Process& process) {
  const auto uid = process.uid ? std::to_string(*process.uid) : std::string{"unknown uid"};
  return or_unknown(process.user) + " (" + uid + ")";
}

// Like ps(1): a process without argv (kernel thread, zombie) is shown by its [name].
std::string process_command(const Process& process) {
  if (!process.cmdline.empty()) return format_command_line(process.cmdline);
  return process.name ? "[" + printable(*process.name) + "]" : "unknown";
}

void render_processes(const std::vector<Process>& processes, std::ostream& out) {
  out << layout::section_banner("Processes");
  if (processes.empty()) out << "unknown\n";
  for (const auto& process : processes) {
    out << std::string(static_cast<std::size_t>(std::max(process.depth, 0)) * 4, ' ') << "Process "
        << process.pid << " (under " << process.ppid << ") [ run by: " << run_by(process)
        << ", state: " << format_state(process.state, std::nullopt) << " ] " << process_command(process)
        << '\n';
  }
}

}  // namespace

void render_text(const Report& report, const SectionSet& sections, std::ostream& out, bool native_frames) {
  const ThreadIndex threads(report.threads);
  render_header(report, out);
  if (sections.wanted(Section::package)) {
    out << '\n';
    render_package(report.package, out);
  }
  if (sections.wanted(Section::threads)) {
    out << '\n';
    if (report.groups.empty())
      render_threads(report.threads, threads, native_frames, out);
    else
      render_groups(report.groups, threads, waiter_counts(report.threads), native_frames, out);
  }
  if (sections.wanted(Section::green_threads) && shows_green_threads(report)) {
    out << '\n';
    render_green_threads(*report.python, threads, out);
  }
  if (sections.wanted(Section::deadlocks) && !report.deadlocks.empty()) {
    out << '\n';
    render_deadlocks(report.deadlocks, threads, native_frames, out);
  }
  if (sections.wanted(Section::processes)) {
    out << '\n';
    render_processes(report.processes, out);
  }
  if (sections.wanted(Section::configuration)) {
    out << '\n';
    render_configuration(report, out);
  }
  if (sections.wanted(Section::custom)) render_custom_sections(report, out);
}

}  // namespace gmr::report
