// --group: threads with identical frame chains collapsed into one entry (pt-pmp, Go's goroutine profile).
#pragma once

#include <vector>

#include "report/report.hpp"

namespace gmr::report {

/// Groups of threads whose frames have the same pcs and inline structure (and the same truncation), so
/// that one stack stands for all of them. Largest group first; equal sizes by lowest tid. Threads without
/// frames form groups too (by that emptiness), so every thread is in exactly one group. Each group lists
/// its threads' distinct names with their counts, in tid order.
std::vector<ThreadGroup> group_threads(const std::vector<Thread>& threads);

}  // namespace gmr::report
