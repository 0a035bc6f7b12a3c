#include "report/render/text_renderer.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "report/render/config_text.hpp"
#include "report/render/format.hpp"
#include "report/render/frame_text.hpp"
#include "report/render/frame_view.hpp"
#include "report/render/green_threads_text.hpp"
#include "report/render/layout.hpp"
#include "report/render/lock_text.hpp"
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

// ---- header ------------------------------------------------------------------------------------

std::string consistency(const Report& report) {
  if (report.capture.consistent) return "yes";
  std::vector<std::string> not_frozen;
  for (const auto& thread : report.threads)
    if (!thread.frozen) not_frozen.push_back(std::to_string(thread.tid));
  if (!not_frozen.empty())
    return "no: " + std::string{not_frozen.size() == 1 ? "thread " : "threads "} + join_words(not_frozen, ", ") +
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
    out << field("shown", (shown.empty() ? std::string{"none"} : join_words(shown, ", ")) + " (--threads)");
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
  return name + "(" + join_words(args, ", ") + ")";
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
  return join_words(runs, ", ");
}

// "crowd-read (600), worker (2)": each distinct name with its count, in the order first met.
std::string name_counts(const ThreadGroup& group) {
  std::vector<std::string> parts;
  for (const auto& [name, count] : group.names)
    parts.push_back((name ? "\"" + printable(*name) + "\"" : std::string{"(name unknown)"}) + " (" +
                    std::to_string(count) + ")");
  return join_words(parts, ", ");
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
