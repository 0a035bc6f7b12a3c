// The target's memory as the Snapshot kept it, for readers of copied data structures (the Python walker
// after the freeze): the threads' stacks, the pages the frozen-time step read (interpreter_memory) and the
// vDSO. Every byte is one of the frozen instant; an address no copy holds reads as missing, never from
// the process or a file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "attach/memory_source.hpp"
#include "attach/snapshot.hpp"

namespace gmr::symbolize {

class SnapshotMemory final : public attach::MemorySource {
 public:
  /// Indexes the copies of `snapshot`, which must outlive this object (its bytes are not copied).
  explicit SnapshotMemory(const attach::Snapshot& snapshot);

  /// Reads across adjacent copies; stops at the first byte no copy holds.
  std::size_t read(std::uint64_t address, std::span<std::byte> out) const override;

 private:
  struct Segment {
    std::uint64_t start = 0;
    std::uint64_t end = 0;
    const std::byte* bytes = nullptr;  // the byte at `start`
  };
  std::vector<Segment> segments_;  // sorted, disjoint (overlapping copies hold the same bytes: one is kept)
};

}  // namespace gmr::symbolize
