// The copies made while the target is frozen, and where each goes once it is let go: every thread's
// stack (from SP to its mapping's end, bounded as thread_stack_range says), the vDSO, the words a blocked
// syscall points at; stacks below signal frames on alternate stacks; the words glibc's endless PI wait
// points at.
//
// Order, all on the tracer thread while frozen: copy_frozen_state() reads the registers and hands each
// chunk of threads' ranges, bounded by the maps read before the freeze, to a copy thread (CopyPipeline);
// rebound_copies() checks those bounds against the maps read while frozen and copies again what they
// change; copy_interrupted_stacks() and copy_pointed_words() look inside the copies for what else to copy.
// After release, finish_copy() moves the bytes into the Snapshot.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "attach/capture.hpp"
#include "attach/freezer.hpp"
#include "attach/kernel.hpp"
#include "attach/memory_copy.hpp"
#include "attach/process_connection.hpp"
#include "attach/proc_parse.hpp"
#include "attach/recording_memory.hpp"
#include "attach/snapshot.hpp"

namespace gmr::attach {

/// A range to copy while frozen, and where its bytes go once the target is let go.
struct FrozenRequest {
  enum class Destination {
    stack,              // ThreadSnapshot::stack, or its error when nothing could be read
    vdso,               // Snapshot::vdso
    syscall_memory,     // ThreadSnapshot::syscall_memory
    interrupted_stack,  // ThreadSnapshot::interrupted_stack
    pointed_words,      // appended to ThreadSnapshot::pointed_words
    superseded,         // bounded by the maps read before the freeze, which the frozen ones contradict: dropped
  };
  RangeRequest range;
  Destination to = Destination::stack;
  ThreadSnapshot* thread = nullptr;  // the owner; null for the vDSO
};

/// Requests and, once read, their copies (copies->take(i) holds requests[i]).
struct CopyBatch {
  std::vector<FrozenRequest> requests;
  std::optional<RangeCopies> copies;

  /// After release: each copy to its owner.
  void deliver_to(Snapshot& snap) const;
};

/// Raw bytes taken while frozen, turned into the Snapshot's maps and copies after release. Owners point
/// into Snapshot::threads, which no longer grows.
struct FrozenBytes {
  std::string maps_text;         // read while frozen
  std::vector<MapRange> ranges;  // of maps_text
  // Stacks, the vDSO and syscall words, copied while the registers are still being read, bounded by the
  // maps read before the freeze (the only ones there are by then).
  CopyBatch pipelined;
  CopyBatch rebounded;    // stacks and the vDSO again where the frozen maps bound them differently
  CopyBatch interrupted;  // stacks below signal frames on alternate stacks

  std::array<const CopyBatch*, 3> batches() const { return {&pipelined, &rebounded, &interrupted}; }
};

/// Registers, the maps text read beside them (on another thread: only the tracer thread may read registers),
/// and the first batch: stacks, syscall words and the vDSO copied into `prepared` (and what does not fit
/// into more buffers) by a copy thread while later threads' registers are read, bounded by `early_ranges`
/// (the maps read before the freeze). No file or debug-info I/O beyond /proc/PID/maps; no parsing or
/// allocation per mapping or thread beyond what bounds the copies. Fills snap.threads.
FrozenBytes copy_frozen_state(ProcessConnection& process, Kernel& kernel, const Freezer& freezer,
                              const CaptureOptions& options, const std::vector<MapRange>& early_ranges,
                              CopyBuffer prepared, Snapshot& snap);

/// Still frozen: the frozen maps decide the bounds `early_ranges` gave each pipelined copy. A stack or the
/// vDSO whose range they bound differently (a mapping made, grown or unmapped since the early maps were read)
/// is copied again; a stack pointer in none of them is a thread whose stack is not captured.
void rebound_copies(const ProcessMemory& memory, const CaptureOptions& options,
                    const std::vector<MapRange>& early_ranges, FrozenBytes& frozen, Snapshot& snap);

/// Still frozen, after the first batches: for each stack copy holding a signal frame on an alternate stack,
/// the thread's own stack below it, copied now (its bytes change once the thread runs again). Rare, so its
/// buffer is allocated here rather than prepared before the freeze.
void copy_interrupted_stacks(const ProcessMemory& memory, const CaptureOptions& options, FrozenBytes& frozen);

/// A rarely needed batch, after finish_copy() and still frozen: candidates for the mutex of glibc's endless
/// wait after a PI EDEADLK, found in the stacks copied (attach/wait_memory.hpp).
void copy_pointed_words(const ProcessMemory& memory, Snapshot& snap);

/// After release (or before copy_pointed_words): parses the maps and gives each copy to its owner.
void finish_copy(FrozenBytes& frozen, Snapshot& snap);

/// The copies the Snapshot keeps whole (stacks, vDSO): the frozen-time step reads inside them without
/// fetching again. Valid while `frozen` lives (finish_copy() copies out of them, leaving them whole).
std::vector<RecordingMemory::Copied> kept_copies(const FrozenBytes& frozen);

}  // namespace gmr::attach
