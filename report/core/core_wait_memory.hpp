// The memory the lock analysis reads (attach/wait_memory.hpp: futex words, poll's pollfd arrays, glibc's
// endless-wait candidates), taken from a core that gmr did not write, as gmr takes it from a frozen process:
// so that waits, owners and deadlocks are classified as in a live dump. A gmr core already holds these
// copies. Kept out of core_snapshot.cpp, whose sources the core fuzz harness builds with a compiler that
// has no std::expected (which attach/wait_memory.hpp's includes use).
#pragma once

#include "attach/snapshot.hpp"
#include "report/core/core_image.hpp"

namespace gmr::core {

/// For every thread of `snapshot` (read from `image`) with registers: its syscall_memory and pointed_words,
/// each the prefix of the requested range the core holds (absent when it holds none).
void add_wait_memory(const CoreImage& image, attach::Snapshot& snapshot);

}  // namespace gmr::core
