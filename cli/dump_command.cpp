#include "cli/dump_command.hpp"

#include <charconv>
#include <iostream>
#include <regex>

#include "attach/capture.hpp"
#include "attach/proc_read.hpp"
#include "cli/exit_codes.hpp"
#include "report/text_renderer.hpp"
#include "symbolize/known_symbols_plan.hpp"
#include "symbolize/report_builder.hpp"

namespace gmr::cli {
namespace {

std::optional<pid_t> parse_pid(const std::string& text) {
  pid_t pid = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (ec != std::errc{} || ptr != text.data() + text.size() || pid <= 0) return std::nullopt;
  return pid;
}

int exit_code_for(const attach::AttachError& e) {
  using K = attach::AttachErrorKind;
  switch (e.kind) {
    case K::no_such_process: return exit_no_such_process;
    case K::permission_denied: return exit_permission;
    case K::interrupted: return 128 + e.signal.value_or(0);
    case K::already_traced:
    case K::zombie:
    case K::kernel_thread:
    case K::self:
    case K::not_a_process:
    case K::system: return exit_no_report;
  }
  return exit_no_report;
}

}  // namespace

CLI::App* add_dump_command(CLI::App& app, DumpOptions& options) {
  CLI::App* dump = app.add_subcommand("dump", "Print the Guru Meditation Report of a running process");
  dump->add_option("pid", options.pid, "Process id of the target")->required();
  dump->add_option("--timeout", options.timeout_seconds,
                   "Seconds to wait for every thread to stop; threads not stopped by then are reported as not frozen")
      ->default_val(3.0)
      ->check(CLI::Range(0.001, 3600.0));
  dump->add_option("--max-stack", options.max_stack,
                   "Bytes of each thread's stack to copy, from SP minus the red zone (suffixes K, M)")
      ->transform(CLI::AsSizeValue(false))
      ->default_str("512K");
  dump->add_option("--config-symbol", options.config_symbol,
                   "Symbol holding the target's configuration text (char array, char pointer, std::string or "
                   "std::string_view), read while the target is frozen")
      ->default_val("gmr_config");
  dump->add_option("--sidecar", options.sidecars,
                   "Configuration file to show (a path as gmr sees it; repeatable); disables discovery from the "
                   "target's GMR_SIDECAR, --config-file and --config-dir")
      ->allow_extra_args(false);
  dump->add_option("--mask", options.masks,
                   "Also mask the values of configuration keys matching this regular expression (repeatable)")
      ->allow_extra_args(false);
  dump->add_flag("--show-secrets", options.show_secrets,
                 "Do not mask secrets (passwords, tokens, URL passwords…); the report says so");
  dump->add_option("--max-config-bytes", options.max_config_bytes,
                   "Bytes read at most per configuration symbol or file (suffixes K, M)")
      ->transform(CLI::AsSizeValue(false))
      ->default_str("1M");
  dump->footer(
      "Exit status: 0 complete report; 1 partial report (some thread not frozen or not unwound); 2 no report "
      "(zombie, kernel thread, gmr itself, thread id, already traced, other refusal); 3 no such process; "
      "4 permission denied; 64 usage error; 70 internal error; 128+N interrupted by signal N after letting "
      "the target go.");
  return dump;
}

int run_dump(const DumpOptions& options) {
  const auto pid = parse_pid(options.pid);
  if (!pid) {
    std::cerr << "gmr: '" << options.pid << "' is not a process id (a positive decimal number)\n";
    return exit_usage;
  }
  attach::CaptureOptions capture_options;
  capture_options.timeout = std::chrono::milliseconds(static_cast<long long>(options.timeout_seconds * 1000.0));
  capture_options.max_stack = options.max_stack;

  std::vector<std::regex> mask_keys;
  for (const auto& pattern : options.masks) {
    try {
      mask_keys.emplace_back(pattern, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error& e) {
      std::cerr << "gmr: --mask '" << pattern << "' is not a valid regular expression: " << e.what() << '\n';
      return exit_usage;
    }
  }
  capture_options.max_config_bytes = options.max_config_bytes;
  capture_options.sidecars.paths = options.sidecars;
  // Known symbols are looked up in the files before the freeze, so that only memory reads happen during it.
  capture_options.symbols = symbolize::plan_known_symbols(*pid, attach::read_maps(*pid), attach::read_executable(*pid),
                                                          options.config_symbol);

  auto snapshot = attach::capture(*pid, capture_options);
  if (!snapshot) {
    std::cerr << "gmr: " << snapshot.error().message << '\n';
    return exit_code_for(snapshot.error());
  }
  symbolize::BuildOptions build_options;
  build_options.config_symbol = options.config_symbol;
  build_options.show_secrets = options.show_secrets;
  build_options.mask_keys = std::move(mask_keys);
  report::Report report = symbolize::build_report(*snapshot, build_options);
  report::render_text(report, std::cout);
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "gmr: cannot write the report to standard output\n";
    return exit_no_report;
  }
  return report.partial() ? exit_partial : exit_complete;
}

}  // namespace gmr::cli
