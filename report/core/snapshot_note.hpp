// The gmr note of a core file: every fact of a Snapshot that the standard core notes have no place for
// (thread names and states read before the freeze, syscalls, wchan, CPU times, the maps with their
// permissions and devices, fds waited on, the stop window, configuration values and sidecar files, the
// process tree, the frozen-time step's statistics), plus the build ids of the mapped modules.
//
// Layout 2 is one JSON object (UTF-8, compact): {"layout": 2, "gmr_version": "...", "snapshot": {...},
// "build_ids": {path: hex}, "python": null | {"green_threads": bool}}. Layout 1 had no "python" member:
// a reader takes it as {"green_threads": true} when the Snapshot holds a frozen-time step, else null. Memory is never in the note: each copy of target memory is a reference
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

/// How the dump read the target's Python (gmr dump's options), so that a reader of the core walks the
/// copied interpreter pages as the frozen-time step walked the live ones. Absent: Python was not read
/// (--no-python). Where the interpreter is and its layout are not in the note: they are found again from
/// the core's modules (NT_FILE, build ids, the files on disk), as before a live freeze.
struct NotePython {
  bool green_threads = true;  // the greenlets were looked for (not --no-green-threads)
};

/// The note's JSON text for `snapshot`.
std::string snapshot_note(const attach::Snapshot& snapshot, const BuildIds& build_ids, std::string_view gmr_version,
                          const std::optional<NotePython>& python);

/// The bytes of [start, start + size) as the core holds them; nullopt when it does not hold all of them.
using MemoryLookup = std::function<std::optional<attach::MemoryCopy>(std::uint64_t start, std::uint64_t size)>;

struct NoteContents {
  attach::Snapshot snapshot;  // registers are not in the note: the caller adds them from NT_PRSTATUS
  BuildIds build_ids;
  std::string gmr_version;
  std::optional<NotePython> python;
  std::size_t missing_memory = 0;  // references the core's segments did not hold: left out of the Snapshot
};

/// Parses a note written by snapshot_note(); memory references are resolved through `memory`. The error is
/// one line ("gmr note: layout 3 is newer than this gmr reads (2)").
Parsed<NoteContents> read_snapshot_note(std::string_view text, const MemoryLookup& memory);

}  // namespace gmr::core
