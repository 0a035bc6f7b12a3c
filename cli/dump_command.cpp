#include "cli/dump_command.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <expected>
#include <iostream>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "attach/auxv.hpp"
#include "attach/capture.hpp"
#include "attach/live_files.hpp"
#include "attach/read_now.hpp"
#include "cli/exit_codes.hpp"
#include "cli/input_checks.hpp"
#include "cli/option_values.hpp"
#include "cli/version.hpp"
#include "report/dump_error.hpp"
#include "report/render/json_renderer.hpp"
#include "report/render/output_format.hpp"
#include "report/render/render.hpp"
#include "report/render/report_file.hpp"
#include "report/render/sections.hpp"
#include "report/build/grouping.hpp"
#include "report/build/dump_session.hpp"
#include "symbolize/frame_cache.hpp"
#include "report/core/core_writer.hpp"
#include "report/core/loader_memory.hpp"
#include "report/core/module_build_ids.hpp"

namespace gmr::cli {
namespace {

// Everything run_dump needs, validated.
struct DumpPlan {
  std::vector<pid_t> pids;
  attach::CaptureOptions capture;
  report::BuildOptions build;
  report::OutputFormat format = report::OutputFormat::text;
  report::SectionSet sections = report::SectionSet::all();
  std::string output_dir;  // empty: stdout
  bool group = false;  // --group: collapse threads with identical stacks
  bool python = true;  // read a CPython interpreter's threads while frozen (--no-python: not)
  bool green_threads = true;  // and its greenlets, walking its GC-tracked objects (--no-green-threads: not)
  bool native = false;  // --native: text and folded show every frame of Python threads
  std::string core_file;  // --core: empty when no core is written
  bool report = true;     // --no-report: false
};

std::expected<DumpPlan, std::string> make_plan(const DumpOptions& options) {
  DumpPlan plan;
  for (const auto& text : options.pids) {
    const auto pid = parse_id(text, "process id");
    if (!pid) return std::unexpected(pid.error());
    plan.pids.push_back(*pid);
  }
  const auto timeout = parse_seconds("--timeout", options.timeout, timeout_min_seconds, timeout_max_seconds);
  if (!timeout) return std::unexpected(timeout.error());
  plan.capture.timeout = *timeout;
  const auto max_stack = parse_size("--max-stack", options.max_stack, max_stack_bounds);
  if (!max_stack) return std::unexpected(max_stack.error());
  plan.capture.max_stack = *max_stack;
  const auto max_frames = parse_count("--max-frames", options.max_frames, max_frames_min, max_frames_max);
  if (!max_frames) return std::unexpected(max_frames.error());
  plan.build.max_frames = *max_frames;
  const auto max_config_bytes = parse_size("--max-config-bytes", options.max_config_bytes, max_config_bytes_bounds);
  if (!max_config_bytes) return std::unexpected(max_config_bytes.error());
  plan.capture.max_config_bytes = *max_config_bytes;
  for (const auto& pattern : options.masks) {
    try {
      plan.build.mask_keys.emplace_back(pattern, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error& e) {
      return std::unexpected("--mask '" + pattern + "' is not a valid regular expression: " + e.what());
    }
  }
  plan.build.config_symbol = options.config_symbol;
  plan.build.show_secrets = options.show_secrets;
  for (const auto& path : options.sidecars)
    if (auto problem = sidecar_problem(path)) return std::unexpected(*problem);
  plan.capture.sidecars.paths = options.sidecars;
  plan.build.source_lines = !options.no_source;
  if (!options.no_cache) plan.build.cache_dir = symbolize::FrameCache::default_directory();
  plan.python = !options.no_python;
  plan.green_threads = !options.no_green_threads;
  plan.native = options.native;
  if (!options.threads.empty()) {
    auto tids = parse_thread_ids(options.threads);
    if (!tids) return std::unexpected(tids.error());
    plan.build.threads = std::move(*tids);
  }
  const auto format = report::parse_output_format(options.json ? "json" : options.format);
  if (!format) return std::unexpected("--format: unknown format '" + options.format + "': give " + report::output_format_names());
  plan.format = *format;
  plan.group = options.group;
  if (!options.sections.empty()) {
    auto sections = report::SectionSet::parse(options.sections);
    if (!sections) return std::unexpected("--sections: " + sections.error());
    plan.sections = *sections;
  }
  if (!options.output_dir.empty()) {
    if (auto problem = output_dir_problem(options.output_dir)) return std::unexpected(*problem);
    plan.output_dir = options.output_dir;
  }
  if (!options.core_file.empty() && plan.pids.size() != 1)
    return std::unexpected("--core writes the core of one process: give one pid, not " + std::to_string(plan.pids.size()));
  if (options.no_report && options.core_file.empty()) return std::unexpected("--no-report needs --core FILE");
  plan.core_file = options.core_file;
  plan.report = !options.no_report;
  return plan;
}

int exit_code_for(const report::DumpError& error) {
  using K = report::DumpError::Kind;
  switch (error.kind) {
    case K::no_such_process: return exit_no_such_process;
    case K::permission_denied: return exit_permission;
    case K::interrupted: return exit_interrupted_base + error.signal.value_or(0);
    case K::internal: return exit_internal;
    case K::already_traced:
    case K::zombie:
    case K::kernel_thread:
    case K::self:
    case K::not_a_process:
    case K::system:
    case K::output: return exit_no_report;
  }
  return exit_internal;
}

// A pid without a report: the "gmr: " line on stderr always; with --json on stdout, the failure object
// too. Report files are written only for reports (there is no program name to name a failure after).
int fail(const DumpPlan& plan, const report::DumpError& error) {
  const int code = exit_code_for(error);
  std::cerr << "gmr: " << error.message << '\n';
  if (plan.format == report::OutputFormat::json && plan.output_dir.empty()) {
    report::write_json(report::failure_json(error, version, code), std::cout);
    std::cout.flush();
  }
  return code;
}

/// Why standard output took no more, from the errno its failed write left: the reader went away
/// (gmr dump … | head -1: EPIPE, SIGPIPE being ignored), or another write error.
std::string stdout_failure(int error) {
  if (error == EPIPE) return "standard output closed";
  return std::string{"cannot write to standard output: "} + std::strerror(error);
}

int emit(const DumpPlan& plan, const report::Report& report, int code) {
  report::RenderOptions render{plan.sections, code, /*pretty_json=*/!plan.output_dir.empty(), plan.native};
  if (plan.output_dir.empty()) {
    report::render(report, plan.format, render, std::cout);
    std::cout.flush();
    if (!std::cout) {
      const int error = errno;
      return fail(plan, report::DumpError::output_failed(report.capture.pid, stdout_failure(error) + ": report not written", error));
    }
    return code;
  }
  const auto written = report::write_report_file(
      plan.output_dir, report::report_program_name(report), report.capture.pid, report.capture.captured_at,
      report::info(plan.format).extension,
      [&](std::ostream& out) { report::render(report, plan.format, render, out); });
  if (!written)
    return fail(plan, report::DumpError::output_failed(report.capture.pid, written.error().message,
                                                       written.error().errno_value));
  std::cout << *written << '\n';
  std::cout.flush();
  if (!std::cout) {
    const int error = errno;
    return fail(plan, report::DumpError::output_failed(
                          report.capture.pid,
                          stdout_failure(error) + ": the report was written to " + *written + ", its path not printed",
                          error));
  }
  return code;
}

/// A deadlock outranks partial: the cycle shown is the finding, even when some thread could not be unwound.
int report_exit_code(const report::Report& report) {
  if (!report.deadlocks.empty()) return exit_deadlock;
  return report.partial() ? exit_partial : exit_complete;
}

/// After the capture (the target has been let go): `snapshot` into the core file created before it.
/// Returns the exit code of this step: complete, or no_report when the core could not be written.
int write_core_file(core::CoreFile file, const attach::Snapshot& snapshot, const DumpPlan& plan) {
  core::CoreContents contents;
  contents.auxv = attach::read_auxv(snapshot.pid).value_or("");
  contents.modules = core::module_facts(snapshot.maps, attach::LiveFiles(attach::layout_of(snapshot)));
  contents.loader_memory = core::loader_memory(contents.auxv, [pid = snapshot.pid](std::uint64_t address, std::size_t size) {
    return attach::read_memory_now(pid, address, size);
  });
  contents.gmr_version = version;
  if (plan.python) contents.python = core::NotePython{.green_threads = plan.green_threads};
  const auto written = core::write_core(std::move(file), snapshot, contents);
  if (!written) {
    std::cerr << "gmr: --core " << written.error().message << '\n';
    return exit_no_report;
  }
  return exit_complete;
}

int dump_one(const DumpPlan& plan, pid_t pid, std::set<pid_t>& threads_seen) {
  // The core file is created before the freeze: a path that cannot be written is refused before the
  // target is touched.
  std::optional<core::CoreFile> core_file;
  if (!plan.core_file.empty()) {
    auto created = core::CoreFile::create(plan.core_file);
    if (!created) return fail(plan, report::DumpError::output_failed(pid, "--core " + created.error().message,
                                                                     created.error().errno_value));
    core_file.emplace(std::move(*created));
  }
  // One libdwfl session for this pid: known symbols are looked up in the files before the freeze, so that
  // only memory reads happen during it, and the same session names the frames afterwards.
  report::DumpSession session(pid);
  attach::CaptureOptions capture = plan.capture;
  capture.symbols = session.plan_known_symbols(plan.build.config_symbol);
  if (plan.python) {
    // A CPython interpreter is found in the files; only 3.13 needs one read of the target before the freeze
    // (its _Py_DebugOffsets). While frozen, the walker reads its threads and frames (and keeps the pages).
    symbolize::python::WalkOptions walk;
    walk.green_threads = plan.green_threads;
    session.plan_python([pid](std::uint64_t address, std::size_t size) { return attach::read_memory_now(pid, address, size); },
                        std::move(walk));
    capture.while_frozen = session.python_step();
  }
  auto snapshot = attach::capture(pid, capture);
  if (!snapshot) return fail(plan, report::DumpError::refused(pid, std::move(snapshot.error())));
  // From here on the target has been let go: a bug costs this pid's report, not the target or other pids.
  try {
    int core_code = exit_complete;
    if (core_file) {
      core_code = write_core_file(std::move(*core_file), *snapshot, plan);
      core_file.reset();
    }
    if (!plan.report) {
      for (const auto& thread : snapshot->threads) threads_seen.insert(thread.facts.tid);
      return core_code;
    }
    report::Report report = session.build_releasing_stacks(*snapshot, plan.build);
    // Everything copied from the target (stacks above all) has been unwound and read into the report: it
    // is let go before the report is written, which needs only the report.
    *snapshot = attach::Snapshot{};
    if (plan.group) report.groups = report::group_threads(report.threads);
    for (const auto& thread : report.threads) threads_seen.insert(thread.tid);
    // The core was written before the report: the status the report states (--json's exit_code) is the one
    // gmr exits with. So is a --threads id in no thread, which only a single pid can know here (with several,
    // the id may be another pid's: run_dump says it after all of them).
    int code = worst_exit_code(report_exit_code(report), core_code);
    if (plan.pids.size() == 1 && plan.build.threads &&
        std::ranges::any_of(*plan.build.threads, [&](pid_t tid) { return !threads_seen.contains(tid); }))
      code = worst_exit_code(code, exit_partial);
    return emit(plan, report, code);
  } catch (const std::exception& e) {
    return fail(plan, report::DumpError::internal_error(
                          pid, "internal error while reporting pid " + std::to_string(pid) + ": " + e.what()));
  }
}

}  // namespace

CLI::App* add_dump_command(CLI::App& app, DumpOptions& options) {
  CLI::App* dump = app.add_subcommand("dump", "Print the Guru Meditation Report of running processes");
  dump->add_option("pid", options.pids, "Process ids of the targets, dumped one after the other")
      ->required()
      ->type_name("PID");
  dump->add_option("--timeout", options.timeout,
                   "Seconds to wait for every thread to stop, 0.001 to 3600; threads not stopped by then are "
                   "reported as not frozen")
      ->type_name("SECONDS")
      ->default_str(options.timeout);
  dump->add_option("--max-stack", options.max_stack,
                   "Bytes of each thread's stack to copy, from SP minus the red zone: " +
                       format_size(max_stack_bounds.min) + " to " + format_size(max_stack_bounds.max) +
                       " (suffixes K, M, G)")
      ->type_name("BYTES")
      ->default_str(options.max_stack);
  auto* format = dump->add_option("--format", options.format, "Output format: " + report::output_format_names())
                     ->type_name("FORMAT")
                     ->default_str(options.format);
  dump->add_flag("--json", options.json, "Same as --format json: one JSON object per pid, one per line (schema gmr.report/2)")
      ->excludes(format);
  dump->add_option("--output-dir", options.output_dir,
                   "Write each report to a new file DIR/<program>_<pid>_gurumeditation_<YYYYmmddHHMMSS>[.json] and "
                   "print its path; an existing file is never overwritten")
      ->type_name("DIR");
  dump->add_option("--threads", options.threads, "Report only these thread ids (comma-separated)")
      ->type_name("TID,...")
      ->delimiter(',')->type_size(1)->expected(1, 1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->allow_extra_args(false);
  dump->add_option("--max-frames", options.max_frames,
                   "At most N frames per thread, inlined frames included: " + std::to_string(max_frames_min) + " to " +
                       std::to_string(max_frames_max))
      ->type_name("N")
      ->default_str(options.max_frames);
  dump->add_flag("--no-source", options.no_source, "Do not read source files: no source-line text in frames");
  dump->add_flag("--no-cache", options.no_cache,
                 "Neither read nor write the frame cache ($XDG_CACHE_HOME/gmr, else ~/.cache/gmr): name every "
                 "frame from the debug information");
  dump->add_flag("--no-python", options.no_python,
                 "Do not read Python interpreters: native frames only, and nothing more read while frozen");
  dump->add_flag("--no-green-threads", options.no_green_threads,
                 "Do not look for a Python process's greenlets: no walk of its garbage-collected objects while "
                 "frozen, no Green Threads list");
  dump->add_flag("--native", options.native,
                 "Show every native frame of Python threads (text, folded), the interpreter's own included");
  dump->add_option("--sections", options.sections,
                   "Report only these sections (comma-separated): " + report::known_section_names())
      ->type_name("LIST")
      ->delimiter(',')->type_size(1)->expected(1, 1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->allow_extra_args(false);
  dump->add_option("--config-symbol", options.config_symbol,
                   "Symbol holding the target's configuration text (char array, char pointer, std::string or "
                   "std::string_view), read while the target is frozen")
      ->type_name("NAME")
      ->default_val("gmr_config");
  dump->add_option("--sidecar", options.sidecars,
                   "Configuration file to show (a path as gmr sees it; repeatable); disables discovery from the "
                   "target's GMR_SIDECAR, --config-file and --config-dir")
      ->type_name("PATH")
      ->allow_extra_args(false);
  dump->add_option("--mask", options.masks,
                   "Also mask the values of configuration keys matching this regular expression (repeatable)")
      ->type_name("REGEX")
      ->allow_extra_args(false);
  dump->add_flag("--show-secrets", options.show_secrets,
                 "Do not mask secrets (passwords, tokens, URL passwords…); the report says so");
  dump->add_option("--max-config-bytes", options.max_config_bytes,
                   "Bytes read at most per configuration symbol or file: " + format_size(max_config_bytes_bounds.min) +
                       " to " + format_size(max_config_bytes_bounds.max) + " (suffixes K, M, G)")
      ->type_name("BYTES")
      ->default_str(options.max_config_bytes);
  dump->add_flag("--group", options.group,
                 "Show threads with identical stacks once, with their count, tids and names, largest group first");
  dump->add_option("--core", options.core_file,
                   "Also write the frozen instant to FILE as an ELF core (registers, the memory copied while "
                   "frozen, gmr's facts in a note) for gmr report, gdb or eu-stack elsewhere; created new, mode "
                   "0600; one pid only")
      ->type_name("FILE");
  dump->add_flag("--no-report", options.no_report, "With --core: write the core only, print no report");
  dump->footer(
      "Exit status: 0 complete report; 1 partial report (some thread not frozen or not unwound, or a --threads id "
      "found in no process); 2 no report (zombie, kernel thread, gmr itself, thread id, already traced, other "
      "refusal, report or --core file not written); 3 no such process; 4 permission denied; 5 report printed and it shows a "
      "deadlock; 64 usage error; 70 internal error; 128+N interrupted by signal N after letting the target go. "
      "With several pids, the worst: 128+N > 70 > 64 > 5 > 4 > 3 > 2 > 1 > 0.");
  return dump;
}

int run_dump(const DumpOptions& options) {
  const auto plan = make_plan(options);
  if (!plan) {
    std::cerr << "gmr: " << plan.error() << '\n';
    return exit_usage;
  }
  if (options.stdout_closed && plan->output_dir.empty()) {
    std::cerr << "gmr: standard output is closed: no report could be written (use --output-dir)\n";
    return exit_no_report;
  }
  int worst = exit_complete;
  std::set<pid_t> threads_seen;
  for (pid_t pid : plan->pids) {
    const int code = dump_one(*plan, pid, threads_seen);
    worst = worst_exit_code(worst, code);
    // Standard output gone: the next targets would be frozen for a report nobody can read.
    if (is_interrupted(code) || !std::cout) break;
  }
  if (plan->build.threads && !is_interrupted(worst)) {
    std::vector<pid_t> missing;
    for (pid_t tid : *plan->build.threads)
      if (!threads_seen.contains(tid)) missing.push_back(tid);
    if (!missing.empty()) {
      std::cerr << "gmr: --threads: " << (missing.size() == 1 ? "thread " : "threads ") << join_ids(missing)
                << " not found in " << (plan->pids.size() == 1 ? "process " : "processes ") << join_ids(plan->pids)
                << '\n';
      worst = worst_exit_code(worst, exit_partial);
    }
  }
  return worst;
}

}  // namespace gmr::cli
