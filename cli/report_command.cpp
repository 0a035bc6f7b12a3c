#include "cli/report_command.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <expected>
#include <iostream>
#include <regex>

#include "attach/process_layout.hpp"
#include "cli/exit_codes.hpp"
#include "cli/option_values.hpp"
#include "report/build/dump_session.hpp"
#include "report/build/grouping.hpp"
#include "report/core/core_files.hpp"
#include "report/core/core_image.hpp"
#include "report/core/core_mapping.hpp"
#include "report/core/core_snapshot.hpp"
#include "report/core/core_wait_memory.hpp"
#include "report/core/image_memory.hpp"
#include "report/render/output_format.hpp"
#include "report/render/render.hpp"
#include "report/render/sections.hpp"
#include "symbolize/snapshot_memory.hpp"

namespace gmr::cli {
namespace {

struct ReportPlan {
  report::BuildOptions build;
  report::OutputFormat format = report::OutputFormat::text;
  report::SectionSet sections = report::SectionSet::all();
  core::CoreReadOptions read;
  std::optional<std::string> exe;
  std::optional<std::string> sysroot;
  bool group = false;
  bool native = false;
};

std::expected<ReportPlan, std::string> make_plan(const ReportOptions& options) {
  ReportPlan plan;
  const auto max_frames = parse_count("--max-frames", options.max_frames, max_frames_min, max_frames_max);
  if (!max_frames) return std::unexpected(max_frames.error());
  plan.build.max_frames = *max_frames;
  const auto max_stack = parse_size("--max-stack", options.max_stack, max_stack_bounds);
  if (!max_stack) return std::unexpected(max_stack.error());
  plan.read.max_stack = *max_stack;
  for (const auto& pattern : options.masks) {
    try {
      plan.build.mask_keys.emplace_back(pattern, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error& e) {
      return std::unexpected("--mask '" + pattern + "' is not a valid regular expression: " + e.what());
    }
  }
  plan.build.show_secrets = options.show_secrets;
  plan.build.source_lines = !options.no_source;
  if (!options.threads.empty()) {
    auto tids = parse_thread_ids(options.threads);
    if (!tids) return std::unexpected(tids.error());
    plan.build.threads = std::move(*tids);
  }
  const auto format = report::parse_output_format(options.json ? "json" : options.format);
  if (!format) return std::unexpected("--format: unknown format '" + options.format + "': give " + report::output_format_names());
  plan.format = *format;
  if (!options.sections.empty()) {
    auto sections = report::SectionSet::parse(options.sections);
    if (!sections) return std::unexpected("--sections: " + sections.error());
    plan.sections = *sections;
  }
  if (!options.exe.empty()) plan.exe = options.exe;
  if (!options.sysroot.empty()) plan.sysroot = options.sysroot;
  plan.group = options.group;
  plan.native = options.native;
  return plan;
}

/// The readable prefix of [address, address + size) in `memory`; nullopt when not one byte is.
std::optional<attach::MemoryCopy> read_prefix(const attach::MemorySource& memory, std::uint64_t address, std::size_t size) {
  attach::MemoryCopy copy{address, std::vector<std::byte>(size)};
  copy.bytes.resize(memory.read(address, copy.bytes));
  if (copy.bytes.empty()) return std::nullopt;
  return copy;
}

int report_exit_code(const report::Report& report, bool warned) {
  if (!report.deadlocks.empty()) return exit_deadlock;
  return report.partial() || warned ? exit_partial : exit_complete;
}

}  // namespace

CLI::App* add_report_command(CLI::App& app, ReportOptions& options) {
  CLI::App* cmd = app.add_subcommand("report", "Print the Guru Meditation Report of a core file");
  cmd->add_option("core", options.core,
                  "Core file: written by gmr dump --core, or any x86-64 Linux core (kernel, gcore)")
      ->required()
      ->type_name("CORE");
  auto* format = cmd->add_option("--format", options.format, "Output format: " + report::output_format_names())
                     ->type_name("FORMAT")
                     ->default_str(options.format);
  cmd->add_flag("--json", options.json, "Same as --format json (schema gmr.report/2)")->excludes(format);
  cmd->add_option("--threads", options.threads, "Report only these thread ids (comma-separated)")
      ->type_name("TID,...")
      ->delimiter(',')->type_size(1)->expected(1, 1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->allow_extra_args(false);
  cmd->add_option("--max-frames", options.max_frames,
                  "At most N frames per thread, inlined frames included: " + std::to_string(max_frames_min) + " to " +
                      std::to_string(max_frames_max))
      ->type_name("N")
      ->default_str(options.max_frames);
  cmd->add_flag("--no-source", options.no_source, "Do not read source files: no source-line text in frames");
  cmd->add_flag("--native", options.native,
                "Show every native frame of Python threads (text, folded), the interpreter's own included");
  cmd->add_option("--sections", options.sections,
                  "Report only these sections (comma-separated): " + report::known_section_names())
      ->type_name("LIST")
      ->delimiter(',')->type_size(1)->expected(1, 1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->allow_extra_args(false);
  cmd->add_option("--mask", options.masks,
                  "Also mask the values of configuration keys matching this regular expression (repeatable)")
      ->type_name("REGEX")
      ->allow_extra_args(false);
  cmd->add_flag("--show-secrets", options.show_secrets, "Do not mask secrets; the report says so");
  cmd->add_flag("--group", options.group,
                "Show threads with identical stacks once, with their count, tids and names, largest group first");
  cmd->add_option("--exe", options.exe, "The executable the core is of, when it is not at the path the core names")
      ->type_name("FILE");
  cmd->add_option("--sysroot", options.sysroot,
                  "Look up every file the core names under DIR (the target's root file system, copied here)")
      ->type_name("DIR");
  cmd->add_option("--max-stack", options.max_stack,
                  "Cores not written by gmr: bytes of each thread's stack to take from SP, " +
                      format_size(max_stack_bounds.min) + " to " + format_size(max_stack_bounds.max))
      ->type_name("BYTES")
      ->default_str(options.max_stack);
  cmd->footer(
      "Exit status: 0 complete report; 1 partial report (a thread not unwound, the core cut short or missing "
      "memory); 2 no report (not a core, unreadable, corrupt, output not written); 5 report printed and it shows "
      "a deadlock; 64 usage error; 70 internal error.");
  return cmd;
}

int run_report(const ReportOptions& options) {
  const auto plan = make_plan(options);
  if (!plan) {
    std::cerr << "gmr: " << plan.error() << '\n';
    return exit_usage;
  }
  auto mapping = core::CoreMapping::open(options.core);
  if (!mapping) {
    std::cerr << "gmr: " << mapping.error() << '\n';
    return exit_no_report;
  }
  core::CoreReadOptions read = plan->read;
  read.written_at = mapping->modified();
  const auto image = core::parse_core(mapping->bytes());
  if (!image) {
    std::cerr << "gmr: " << options.core << ": " << image.error() << '\n';
    return exit_no_report;
  }
  auto core = core::snapshot_from_core(*image, mapping->bytes().size(), read);
  if (!core) {
    std::cerr << "gmr: " << options.core << ": " << core.error() << '\n';
    return exit_no_report;
  }
  for (const auto& warning : core->warnings) std::cerr << "gmr: " << options.core << ": " << warning << '\n';
  if (!core->gmr_version) core::add_wait_memory(*image, core->snapshot);
  attach::Snapshot& snapshot = core->snapshot;

  core::CoreFilesOptions files{.sysroot = plan->sysroot, .exe = plan->exe, .exe_path = snapshot.exe_path,
                               .build_ids = core->build_ids};
  report::DumpSession session(attach::layout_of(snapshot), std::make_unique<core::CoreFiles>(std::move(files)));
  // Python is found again from the core's modules, as before a live freeze. A gmr core is walked over its
  // copies exactly as the dump walked them; any other core over whatever memory it holds.
  const symbolize::SnapshotMemory copies(snapshot);
  const core::ImageMemory image_memory(*image);
  const bool gmr_core = core->gmr_version.has_value();
  const attach::MemorySource& memory = gmr_core ? static_cast<const attach::MemorySource&>(copies) : image_memory;
  if (core->python) {
    symbolize::python::WalkOptions walk;
    walk.green_threads = core->python->green_threads;
    session.plan_python([&memory](std::uint64_t address, std::size_t size) { return read_prefix(memory, address, size); },
                        std::move(walk));
    if (!gmr_core) session.read_python_from(image_memory);
  }
  // Each thread's stack copies are freed once it is unwound, as gmr dump does: at 10,000 threads they are
  // ~30 MB. Nothing reads `copies` after plan_python().
  report::Report report = session.build_releasing_stacks(snapshot, plan->build);
  if (plan->group) report.groups = report::group_threads(report.threads);
  // --threads ids in no thread of the core: said as the live dump says it, and the report is partial.
  bool missing_threads = false;
  if (plan->build.threads) {
    std::vector<pid_t> missing;
    for (pid_t tid : *plan->build.threads)
      if (std::ranges::none_of(report.threads, [tid](const report::Thread& t) { return t.tid == tid; })) missing.push_back(tid);
    if (!missing.empty()) {
      std::cerr << "gmr: --threads: " << (missing.size() == 1 ? "thread " : "threads ") << join_ids(missing)
                << " not found in process " << snapshot.pid << '\n';
      missing_threads = true;
    }
  }
  const int code = report_exit_code(report, !core->warnings.empty() || missing_threads);
  report::render(report, plan->format, {plan->sections, code, /*pretty_json=*/false, plan->native}, std::cout);
  std::cout.flush();
  if (!std::cout) {
    const int error = errno;
    std::cerr << "gmr: " << (error == EPIPE ? std::string("standard output closed")
                                            : std::string("cannot write to standard output: ") + std::strerror(error))
              << ": report not written\n";
    return exit_no_report;
  }
  return code;
}

}  // namespace gmr::cli
