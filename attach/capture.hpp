// capture(): freeze every thread of a process at one instant, copy raw facts, let it go.
//
// Contract: when capture() returns (value or error, or by exception), no thread of the target is left
// stopped by gmr and every signal that raced the freeze has been handed back. A process that was
// group-stopped before is still group-stopped. All ptrace requests are made from one dedicated tracer
// thread; when it ends, the kernel releases any tracee that never reached a stop (e.g. state D).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <expected>
#include <functional>
#include <span>
#include <vector>

#include "attach/attach_error.hpp"
#include "attach/memory_source.hpp"
#include "attach/process_connection.hpp"
#include "attach/snapshot.hpp"

namespace gmr::attach {

/// A thread held by the freeze, as the frozen-time step sees it.
struct FrozenThread {
  pid_t tid = 0;
  const user_regs_struct* registers = nullptr;  // valid during the step only
};

/// More reads while the target is frozen, for a caller that knows what to look for (an interpreter's
/// thread states and frames): `memory` is the live process through a RecordingMemory, so every page the
/// step reads is kept in Snapshot::interpreter_memory, and can be read again after the target is let go.
/// It runs on the tracer thread, inside the stop window: every microsecond it takes is the target's.
/// What it returns is its own business (it may keep results in what it captured); an exception it throws
/// is caught and kept as FrozenReadStats::error.
using FrozenStep = std::function<void(const MemorySource& memory, std::span<const FrozenThread> threads)>;

struct CaptureOptions {
  std::chrono::milliseconds timeout{3000};  // for the whole freeze: threads not stopped by then are "not frozen"
  std::size_t max_stack = 512 * 1024;       // bytes copied per thread, from SP - red zone upwards
  std::vector<SymbolRead> symbols;          // planned before the freeze (symbolize::plan_known_symbols)
  SidecarRequest sidecars;                  // configuration files to find and read after the freeze
  std::size_t max_config_bytes = 1024 * 1024;  // per symbol value and per sidecar file
  FrozenStep while_frozen;                     // empty: nothing more is read while frozen
  std::size_t while_frozen_max_bytes = 64 << 20;  // what the step may fetch in all (whole 4 KiB pages)
};

/// The live process `pid`: preflight() first (a target gmr must not dump is never touched), then
/// capture() over a LiveProcess.
std::expected<Snapshot, AttachError> capture(pid_t pid, const CaptureOptions& options);

/// Everything read from the target goes through `process`: before the freeze (the threads' /proc facts),
/// while frozen (registers, /proc/PID/maps, one batch of memory copies, the known symbols' values) and
/// after it (facts of threads born meanwhile, fd targets, processes, sidecar files). `options.while_frozen`
/// runs last before the target is let go.
std::expected<Snapshot, AttachError> capture(ProcessConnection& process, const CaptureOptions& options);

}  // namespace gmr::attach
