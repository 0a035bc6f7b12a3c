// gmr: Guru Meditation Reports of running processes, without their cooperation.
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <cerrno>
#include <csignal>
#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "cli/dump_command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/report_command.hpp"
#include "cli/usage_errors.hpp"
#include "cli/version.hpp"

namespace {

/// A standard stream the caller closed (gmr dump 4242 >&-) would be the number the next open() returns: a
/// report file or a /proc file would become "standard output". Each closed one of fds 0-2 is opened on
/// /dev/null; returns whether standard output was closed.
bool reopen_closed_standard_streams() {
  bool stdout_closed = false;
  for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    if (fd == STDOUT_FILENO) stdout_closed = true;
    // open() returns the lowest free number: this one.
    ::open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY);
  }
  return stdout_closed;
}

}  // namespace

int main(int argc, char** argv) {
  // A closed standard output (gmr dump … | head -1) is an error gmr reports with its exit code, not a
  // death by SIGPIPE: writes then fail with EPIPE. Children started later get SIGPIPE back (run_command).
  std::signal(SIGPIPE, SIG_IGN);
  const bool stdout_closed = reopen_closed_standard_streams();

  CLI::App app{"gmr prints a Guru Meditation Report of a running process: every thread's stack at one "
               "instant, its package and its processes. See gmr(1).",
               "gmr"};
  app.set_version_flag("--version", std::string("gmr ") + gmr::cli::version);
  app.require_subcommand(1);

  gmr::cli::DumpOptions dump_options;
  dump_options.stdout_closed = stdout_closed;
  CLI::App* dump = gmr::cli::add_dump_command(app, dump_options);
  gmr::cli::ReportOptions report_options;
  CLI::App* report = gmr::cli::add_report_command(app, report_options);

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
    const CLI::App& command = !args.empty() && args.front() == "report" ? *report : *dump;
    std::cerr << "gmr: " << gmr::cli::usage_message(e, app, command) << '\n';
    return gmr::cli::exit_usage;
  }

  try {
    if (dump->parsed()) return gmr::cli::run_dump(dump_options);
    if (report->parsed()) return gmr::cli::run_report(report_options);
  } catch (const std::exception& e) {
    // Reached only after capture() returned or unwound: the target has already been let go.
    std::cerr << "gmr: internal error: " << e.what() << '\n';
    return gmr::cli::exit_internal;
  }
  return gmr::cli::exit_usage;
}
