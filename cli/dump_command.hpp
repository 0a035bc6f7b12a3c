// `gmr dump PID`: freeze, copy, let go, unwind, print.
#pragma once

#include <CLI/CLI.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace gmr::cli {

struct DumpOptions {
  std::string pid;             // validated by run_dump, so a bad pid gets gmr's own one-line message
  double timeout_seconds = 3.0;
  std::size_t max_stack = 512 * 1024;
  std::string config_symbol = "gmr_config";
  std::vector<std::string> sidecars;
  std::vector<std::string> masks;  // regular expressions (ECMAScript), validated by run_dump
  bool show_secrets = false;
  std::size_t max_config_bytes = 1024 * 1024;
};

/// Registers the subcommand; `options` must outlive parsing.
CLI::App* add_dump_command(CLI::App& app, DumpOptions& options);

/// The exit code (cli/exit_codes.hpp).
int run_dump(const DumpOptions& options);

}  // namespace gmr::cli
