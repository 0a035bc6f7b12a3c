// Parsers for the /proc files gmr reads. Pure functions of the text (untrusted input: a comm may hold
// spaces, parentheses or newlines; any line may be cut short). A field that cannot be parsed is absent.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attach/snapshot.hpp"

namespace gmr::attach {

/// /proc/PID/stat (and task/TID/stat).
struct StatFields {
  std::string name;              // between the first '(' and the last ')'
  char state = '?';
  pid_t ppid = 0;
  unsigned long flags = 0;       // PF_* (PF_KTHREAD = 0x00200000)
  unsigned long long utime = 0;  // clock ticks
  unsigned long long stime = 0;
};
std::optional<StatFields> parse_stat(std::string_view text);

/// The fields of /proc/PID/status gmr uses.
struct StatusFields {
  std::optional<char> state;
  std::optional<pid_t> tgid;
  std::optional<pid_t> ppid;
  std::optional<pid_t> tracer_pid;
  std::optional<std::array<uid_t, 4>> uids;  // real, effective, saved, filesystem
  std::optional<std::uint64_t> cap_permitted;
  std::optional<std::uint64_t> cap_effective;
};
StatusFields parse_status(std::string_view text);

std::optional<SyscallLine> parse_syscall(std::string_view text);

/// Lines that do not parse are skipped.
std::vector<Mapping> parse_maps(std::string_view text);

/// Only the address range of each line of /proc/PID/maps, and whether it is the vDSO: cheap enough for
/// the frozen window (no strings), where it bounds the stack copies; parse_maps runs after release.
struct MapRange {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  bool vdso = false;

  bool operator==(const MapRange&) const = default;
};
/// The ranges of the well-formed lines, sorted by start.
std::vector<MapRange> parse_map_ranges(std::string_view text);

/// NUL-separated arguments; a missing final NUL is tolerated. Trailing empty arguments are dropped: a
/// program that rewrites its title (setproctitle: redis, nginx workers, postgres backends) leaves the rest
/// of its argument area NUL, which would read as dozens of '' arguments. A command line that really ends
/// in empty arguments loses them.
std::vector<std::string> parse_cmdline(std::string_view bytes);

inline constexpr unsigned long pf_kthread = 0x00200000;

}  // namespace gmr::attach
