// One read of a running process's memory outside the freeze, for what must be known before it: a
// language runtime's description of itself (CPython 3.13's _Py_DebugOffsets at the start of _PyRuntime),
// which decides what to read while the target is frozen. The bytes are handed to symbolize/, which never
// reads the process itself.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>

#include "attach/process_memory.hpp"
#include "attach/snapshot.hpp"

namespace gmr::attach {

/// Up to `size` bytes at `address`: the readable prefix, or nullopt when not even the first byte is.
std::optional<MemoryCopy> read_memory_now(const ProcessMemory& memory, std::uint64_t address, std::size_t size);

/// The same through process_vm_readv(2) of the live process `pid`.
std::optional<MemoryCopy> read_memory_now(pid_t pid, std::uint64_t address, std::size_t size);

}  // namespace gmr::attach
