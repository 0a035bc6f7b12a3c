// `gmr dump PID…`: for each pid in turn freeze, copy, let go, unwind, print (or write a report file).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace gmr::cli {

// Raw command-line values, as typed: run_dump validates them all (cli/option_values.hpp), so a bad value
// gets gmr's own one-line message and exit 64 before any process is touched.
struct DumpOptions {
  std::vector<std::string> pids;
  std::string timeout = "3";            // seconds
  std::string max_stack = "512K";       // bytes
  std::string format = "text";          // a name from report/output_format.hpp
  bool json = false;                    // --json: --format json
  std::string output_dir;               // empty: stdout
  std::vector<std::string> threads;     // thread ids, comma-separated
  std::string max_frames = "256";
  bool no_source = false;
  bool no_cache = false;                // --no-cache: neither read nor write the frame cache
  bool no_python = false;               // --no-python: do not read Python interpreters
  bool no_green_threads = false;        // --no-green-threads: do not look for greenlets (no GC walk)
  bool native = false;                  // --native: every frame of Python threads, plumbing included
  std::vector<std::string> sections;    // section names, comma-separated; empty: all
  std::string config_symbol = "gmr_config";
  std::vector<std::string> sidecars;
  std::vector<std::string> masks;  // regular expressions (ECMAScript)
  bool show_secrets = false;
  std::string max_config_bytes = "1M";
  bool group = false;                   // --group: collapse threads with identical stacks
  std::string core_file;                // --core FILE: also write the frozen instant as an ELF core
  bool no_report = false;               // --no-report (with --core): write the core only
  bool stdout_closed = false;           // not an option: fd 1 was closed when gmr started (main.cpp)
};

/// Registers the subcommand; `options` must outlive parsing.
CLI::App* add_dump_command(CLI::App& app, DumpOptions& options);

/// The exit code (cli/exit_codes.hpp): with several pids, the worst of them (worst_exit_code).
int run_dump(const DumpOptions& options);

}  // namespace gmr::cli
