// Unwinding one thread of a SnapshotDwfl: collects raw frames only; naming happens later.
#pragma once

#include <elfutils/libdwfl.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gmr::symbolize {

struct RawFrame {
  std::uint64_t pc = 0;
  bool is_activation = false;  // the pc is where execution is (initial or signal-interrupted frame), not a return address

  /// The address to look names up with: a return address may already belong to the next line or function.
  std::uint64_t lookup_pc() const { return is_activation ? pc : pc - 1; }
};

struct RawUnwind {
  std::vector<RawFrame> frames;           // innermost first
  bool truncated = false;                 // stopped at `max_frames`
  std::optional<std::string> error;       // the unwind ended with an error rather than at the outermost frame
};

class SnapshotDwfl;

/// Unwinds thread `tid` of `session`. At most `max_frames` frames are kept.
RawUnwind unwind_thread(SnapshotDwfl& session, pid_t tid, std::size_t max_frames);

}  // namespace gmr::symbolize
