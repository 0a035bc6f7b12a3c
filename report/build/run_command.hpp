// Running a helper program (dpkg-query) without a shell, bounded in time and output.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace gmr::report {

/// Runs argv[0] (searched in PATH) with LC_ALL=C, stdin and stderr on /dev/null, and returns its stdout
/// when it exits with status 0 within `timeout`. On timeout the child is killed and reaped. nullopt: it
/// could not start, failed, or took too long. Output beyond 1 MiB is dropped.
std::optional<std::string> run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

}  // namespace gmr::report
