// Inputs that name files, checked before any process is touched: a problem found after the freeze costs
// the target a stop for a report that cannot be made.
#pragma once

#include <optional>
#include <string>

namespace gmr::cli {

/// Why reports cannot be written into `directory` (--output-dir), or nothing. A file is really created
/// and removed: access(W_OK) says yes to root on a read-only file system.
std::optional<std::string> output_dir_problem(const std::string& directory);

/// Why `path` (--sidecar) cannot be shown, or nothing: it must open, be a regular file (no device, FIFO
/// or directory is opened for reading) and be readable.
std::optional<std::string> sidecar_problem(const std::string& path);

}  // namespace gmr::cli
