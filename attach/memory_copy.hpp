// Copying ranges of the target's memory with as few process_vm_readv calls as possible (one per IOV_MAX
// ranges). Needs only ptrace-read permission, not a stopped thread; call it while frozen for consistency.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <vector>

#include "attach/snapshot.hpp"

namespace gmr::attach {

struct RangeRequest {
  std::uint64_t start = 0;
  std::size_t size = 0;
};

/// One result per request, in order: the bytes read (a prefix when the range's tail is unreadable), or
/// the errno of a range of which nothing could be read.
std::vector<std::expected<MemoryCopy, int>> copy_ranges(pid_t pid, std::span<const RangeRequest> requests);

}  // namespace gmr::attach
