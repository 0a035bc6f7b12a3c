// A Snapshot made from a core file, so that symbolize/ and report/ work on a core exactly as on a live
// capture (nothing downstream knows the difference).
//
// A gmr core (one with the gmr note) gives back the Snapshot it was written from: the note's facts, the
// registers of NT_PRSTATUS, every memory copy from the PT_LOAD segments. Any other core (the kernel's,
// gdb's gcore, coredumpctl's) gives what it holds: one frozen thread per NT_PRSTATUS with its registers and
// its stack from SP (minus the red zone) to the end of the segment holding it, capped at `max_stack`; the
// maps from NT_FILE and the PT_LOAD segments; the vDSO from the auxiliary vector; the process from
// NT_PRPSINFO; and the signal the core was dumped for. (The words the lock analysis reads are added by
// add_wait_memory, core_wait_memory.hpp.) Cores record no inodes: a file mapping's inode is
// the 1-based position of its path among NT_FILE's distinct paths (so that Mapping::file_backed() holds
// and the mappings of one file share it), its device "00:00".
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include "report/core/parsed.hpp"
#include <optional>
#include <string>
#include <vector>

#include "attach/snapshot.hpp"
#include "report/core/core_image.hpp"
#include "report/core/snapshot_note.hpp"

namespace gmr::core {

struct CoreReadOptions {
  std::size_t max_stack = 512 * 1024;  // other cores: bytes of each thread's stack to take from SP
  // Other cores record no capture time: this stands for it (the core file's modification time).
  std::chrono::system_clock::time_point written_at{};
};

struct CoreSnapshot {
  attach::Snapshot snapshot;
  BuildIds build_ids;                       // from the gmr note; empty for other cores
  std::optional<std::string> gmr_version;   // the gmr that wrote the core; absent: not a gmr core
  // How to read Python: a gmr core's note (absent: the dump did not read it); other cores: the defaults,
  // the walk reading the core's memory.
  std::optional<NotePython> python;
  std::optional<pid_t> signal_thread;       // the thread the core was dumped for (the first NT_PRSTATUS
  std::optional<CoreSignal> signal;         // with a signal), and the signal
  std::vector<std::string> warnings;        // what was missing or cut short, one line each
};

/// `file_size` bounds the memory resolved for a gmr note (references into the same bytes count each time).
Parsed<CoreSnapshot> snapshot_from_core(const CoreImage& image, std::uint64_t file_size,
                                                            const CoreReadOptions& options);

}  // namespace gmr::core
