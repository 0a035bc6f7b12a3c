// Checks made before any ptrace request, so that a target gmr cannot or must not dump is refused with
// its reason and is never touched: no such process, gmr itself, a thread id, a kernel thread, a zombie.
#pragma once

#include <sys/types.h>

#include <optional>

#include "attach/attach_error.hpp"

namespace gmr::attach {

std::optional<AttachError> preflight(pid_t pid);

}  // namespace gmr::attach
