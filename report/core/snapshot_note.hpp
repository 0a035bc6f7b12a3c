// The gmr note of a core file: every fact of a Snapshot that the standard core notes have no place for
// (thread names and states read before the freeze, syscalls, wchan, CPU times, the maps with their
// permissions and devices, fds waited on, the stop window, configuration values and sidecar files, the
// process tree, the frozen-time step's statistics), plus the build ids of the mapped modules.
//
// Layout 1 is one JSON object (UTF-8, compact): {"layout": 1, "gmr_version": "...", "snapshot": {...},
// "build_ids": {path: hex}}. Memory is never in the note: each copy of target memory is a reference
// {"start": A, "size": N} to bytes the core's PT_LOAD segments hold. Strings that are not valid UTF-8 are
// written as {"hex": "..."}. Reading checks types and bounds, so a hostile note gives an error, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include "report/core/parsed.hpp"
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "attach/snapshot.hpp"

namespace gmr::core {

/// gnu build id in lower-case hex, by the path of a mapped file (as the maps name it).
using BuildIds = std::map<std::string, std::string>;

/// The note's JSON text for `snapshot`.
std::string snapshot_note(const attach::Snapshot& snapshot, const BuildIds& build_ids, std::string_view gmr_version);

/// The bytes of [start, start + size) as the core holds them; nullopt when it does not hold all of them.
using MemoryLookup = std::function<std::optional<attach::MemoryCopy>(std::uint64_t start, std::uint64_t size)>;

struct NoteContents {
  attach::Snapshot snapshot;  // registers are not in the note: the caller adds them from NT_PRSTATUS
  BuildIds build_ids;
  std::string gmr_version;
  std::size_t missing_memory = 0;  // references the core's segments did not hold: left out of the Snapshot
};

/// Parses a note written by snapshot_note(); memory references are resolved through `memory`. The error is
/// one line ("gmr note: layout 2 is newer than this gmr reads (1)").
Parsed<NoteContents> read_snapshot_note(std::string_view text, const MemoryLookup& memory);

}  // namespace gmr::core
