// Sidecar configuration files: found from the target itself (GMR_SIDECAR in its environment, oslo.config's
// --config-file / --config-dir on its command line) or named by the operator, and read after the freeze.
//
// Paths taken from the target are resolved inside the target's root (/proc/PID/root) relative to its
// working directory, as the target would see them: absolute symlinks stay inside that root, and a ".."
// that would climb above it is refused, never followed out.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace gmr::attach {

struct SidecarRequest {
  std::vector<std::string> paths;  // --sidecar: paths as gmr sees them; when given, nothing is discovered
  bool discover = true;            // look at the target's environment and command line
};

struct SidecarFile {
  std::string path;                       // as given or as found in the target ("app.conf", "/etc/app/app.conf")
  std::string found_by;                   // "--sidecar", "GMR_SIDECAR", "--config-file", "--config-dir"
  std::optional<std::string> resolved;    // the path opened: inside the target's root, or gmr's own for --sidecar
  std::optional<std::string> content;
  bool truncated = false;                 // larger than the limit: `content` is its beginning
  std::optional<std::string> error;       // why there is no content
};

/// Where the target's configuration files are, in command-line order. Reads /proc/PID/environ and
/// /proc/PID/cmdline (the initial environment: later setenv() calls are not visible there).
std::vector<SidecarFile> discover_sidecars(pid_t pid, const std::vector<std::string>& cmdline);

/// Fills `content` or `error` of each file, reading at most `max_bytes` of each. --config-dir entries are
/// expanded into the directory's *.conf files, sorted by name, as oslo.config does.
std::vector<SidecarFile> read_sidecars(pid_t pid, const SidecarRequest& request, const std::vector<std::string>& cmdline,
                                       std::size_t max_bytes);

}  // namespace gmr::attach
