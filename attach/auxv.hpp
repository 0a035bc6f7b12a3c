// The target's auxiliary vector (/proc/PID/auxv): fixed at exec, so reading it before or after the freeze
// gives the same bytes. A core file carries it as NT_AUXV (debuggers find the vDSO and the entry point there).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace gmr::attach {

/// The raw bytes (pairs of 64-bit words ending with AT_NULL); nullopt when unreadable (gone, no permission).
std::optional<std::string> read_auxv(pid_t pid);

}  // namespace gmr::attach
