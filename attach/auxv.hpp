// The target's auxiliary vector (/proc/PID/auxv): fixed at exec, so reading it before or after the freeze
// gives the same bytes. A core file carries it as NT_AUXV (debuggers find the vDSO and the entry point there).
#pragma once

#include <elf.h>
#include <sys/types.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace gmr::attach {

/// The raw bytes (pairs of 64-bit words ending with AT_NULL); nullopt when unreadable (gone, no permission).
std::optional<std::string> read_auxv(pid_t pid);

/// The value of the first entry of `type` in raw auxv bytes (from the process or a core's NT_AUXV), up to
/// AT_NULL; nullopt when absent. A trailing partial pair is ignored.
inline std::optional<std::uint64_t> auxv_value(std::string_view auxv, std::uint64_t type) {
  for (std::size_t at = 0; auxv.size() - at >= 16; at += 16) {
    std::uint64_t pair[2];
    std::memcpy(pair, auxv.data() + at, sizeof pair);
    if (pair[0] == AT_NULL) break;
    if (pair[0] == type) return pair[1];
  }
  return std::nullopt;
}

}  // namespace gmr::attach
