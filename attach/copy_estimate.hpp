// Sizing the frozen copy's buffer before the freeze (attach/memory_copy.hpp: CopyBuffer), from what /proc
// shows of the threads and mappings while they still run.
#pragma once

#include <cstddef>
#include <vector>

#include "attach/proc_parse.hpp"
#include "attach/snapshot.hpp"

namespace gmr::attach {

/// Before the freeze: about how many bytes the frozen copy will take, so that its buffer is touched now
/// rather than while the target is held. A thread blocked in a syscall shows its SP and arguments in
/// /proc/TID/syscall and keeps them while blocked (and while stopped there): its stack and the words its
/// syscall points at are known exactly. A thread whose SP is not known counts as the average of the others,
/// or 8 KiB. A little slack covers stacks that moved; a shortfall only means the rest is allocated while
/// frozen. Stacks count to their mapping's end: the copy stops short of it at a thread pointer above SP
/// (thread_stack_range), which /proc does not show, so this is a few KiB per thread more than is copied.
std::size_t estimate_copy_bytes(const std::vector<ThreadFacts>& threads, const std::vector<MapRange>& ranges,
                                std::size_t max_stack);

}  // namespace gmr::attach
