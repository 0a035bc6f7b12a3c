// The scheduler state letters of /proc/PID/stat (field 3) and /proc/PID/status ("State:"), named as the
// kernel names them.
#pragma once

#include <optional>
#include <string_view>

namespace gmr::attach {

/// 'S' -> "sleeping": the names of fs/proc/array.c task_state_array (Linux 4.14+), plus the letters older
/// kernels used ('x' dead, 'K' wakekill, 'W' waking). nullopt for a letter the kernel never printed.
constexpr std::optional<std::string_view> proc_state_name(char letter) {
  switch (letter) {
    case 'R': return "running";
    case 'S': return "sleeping";
    case 'D': return "disk sleep";
    case 'T': return "stopped";
    case 't': return "tracing stop";
    case 'X': return "dead";
    case 'x': return "dead";
    case 'Z': return "zombie";
    case 'P': return "parked";
    case 'I': return "idle";
    case 'K': return "wakekill";
    case 'W': return "waking";
    default: return std::nullopt;
  }
}

}  // namespace gmr::attach
