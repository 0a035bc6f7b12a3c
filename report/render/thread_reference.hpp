// How a text report names another thread in a line about this one: "thread 12 \"worker-1\"" (Python's
// name when it has one, else the OS's; the tid alone when the thread has no name or is not in the report).
#pragma once

#include <sys/types.h>

#include <string>

#include "report/thread_index.hpp"

namespace gmr::report {

std::string thread_reference(pid_t tid, const ThreadIndex& threads);

}  // namespace gmr::report
