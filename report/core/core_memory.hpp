// The memory a gmr core holds: every byte range gmr copied while the target was frozen (stacks, stacks
// below signal frames, the words blocked syscalls point at, the pages the frozen-time step read, the vDSO,
// configuration values), merged into disjoint runs, one PT_LOAD segment each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "attach/snapshot.hpp"

namespace gmr::core {

struct MemoryRun {
  struct Piece {
    std::uint64_t start = 0;
    std::span<const std::byte> bytes;  // points into the Snapshot
  };
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::vector<Piece> pieces;  // sorted, adjacent, covering [start, end) exactly
  std::uint32_t flags = 0;    // PF_R/PF_W/PF_X of the mapping holding `start` (PF_R when in none)
};

/// Disjoint, sorted runs; adjacent copies are joined. Copies that overlap hold the same bytes (all taken
/// at the frozen instant): each byte is kept once. The runs refer to `snapshot`, which must outlive them.
/// `extra`: more copies to hold (the dynamic linker's list of libraries, for debuggers), which must
/// outlive the runs too.
std::vector<MemoryRun> memory_runs(const attach::Snapshot& snapshot, std::span<const attach::MemoryCopy> extra = {});

/// Bytes of every copy, overlaps counted twice: what gmr copied while frozen.
std::uint64_t copied_bytes(const attach::Snapshot& snapshot);

}  // namespace gmr::core
