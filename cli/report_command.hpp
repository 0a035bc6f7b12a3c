// `gmr report CORE`: the Guru Meditation Report of a core file — one written by `gmr dump --core`, or any
// other ELF core of an x86-64 Linux process (the kernel's, gdb's gcore, coredumpctl dump).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace gmr::cli {

// Raw command-line values, validated by run_report (cli/option_values.hpp) before the core is read.
struct ReportOptions {
  std::string core;
  std::string format = "text";
  bool json = false;
  std::vector<std::string> threads;
  std::string max_frames = "256";
  bool no_source = false;
  bool native = false;
  std::vector<std::string> sections;
  std::vector<std::string> masks;
  bool show_secrets = false;
  bool group = false;
  std::string exe;        // --exe: the executable, when not at the path the core names
  std::string sysroot;    // --sysroot: a directory holding the target's files under their paths
  std::string max_stack = "512K";  // cores of other programs: bytes of each stack taken from SP
};

CLI::App* add_report_command(CLI::App& app, ReportOptions& options);

/// The exit code (cli/exit_codes.hpp): 0 complete, 1 partial, 2 no report (not a core, unreadable,
/// corrupt beyond use), 5 deadlock, 64 usage, 70 internal.
int run_report(const ReportOptions& options);

}  // namespace gmr::cli
