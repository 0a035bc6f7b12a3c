// gmr: Guru Meditation Reports of running processes, without their cooperation.
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "cli/dump_command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/usage_errors.hpp"
#include "cli/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"gmr prints a Guru Meditation Report of a running process: every thread's stack at one "
               "instant, its package and its processes. See gmr(1).",
               "gmr"};
  app.set_version_flag("--version", std::string("gmr ") + gmr::cli::version);
  app.require_subcommand(1);

  gmr::cli::DumpOptions dump_options;
  CLI::App* dump = gmr::cli::add_dump_command(app, dump_options);

  const std::vector<std::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  if (const auto problem = gmr::cli::command_word_problem(args)) {
    std::cerr << "gmr: " << *problem << '\n';
    return gmr::cli::exit_usage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with code 0: CLI11 prints them.
    if (e.get_exit_code() == 0) return app.exit(e) == 0 ? gmr::cli::exit_complete : gmr::cli::exit_usage;
    std::cerr << "gmr: " << gmr::cli::usage_message(e, app, *dump) << '\n';
    return gmr::cli::exit_usage;
  }

  try {
    if (dump->parsed()) return gmr::cli::run_dump(dump_options);
  } catch (const std::exception& e) {
    // Reached only after capture() returned or unwound: the target has already been let go.
    std::cerr << "gmr: internal error: " << e.what() << '\n';
    return gmr::cli::exit_internal;
  }
  return gmr::cli::exit_usage;
}
