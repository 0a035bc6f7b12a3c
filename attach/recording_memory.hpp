// The live process's memory as the frozen-time step reads it (CaptureOptions::while_frozen): a cache of
// 4 KiB pages over process_vm_readv, with a byte budget, that keeps every page it fetched. After the
// target is let go, the pages become Snapshot::interpreter_memory, so that whatever the step read can be
// read again offline, byte for byte as it was at the frozen instant.
//
// Reads return a prefix, as MemorySource says: they stop at the first page that is unreadable in the
// target, or that the budget did not allow to fetch. Missing pages of one read are fetched in one
// process_vm_readv call. A read that lies wholly inside memory the capture already copied while frozen
// (the threads' stacks) is answered from that copy and fetches nothing: the Snapshot keeps those bytes
// anyway. Not thread-safe (the step runs on the tracer thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "attach/memory_source.hpp"
#include "attach/process_memory.hpp"
#include "attach/snapshot.hpp"

namespace gmr::attach {

class RecordingMemory final : public MemorySource {
 public:
  static constexpr std::size_t page_size = 4096;

  /// Bytes of the target copied while frozen, kept in the Snapshot: `bytes` start at `start`.
  struct Copied {
    std::uint64_t start = 0;
    std::span<const std::byte> bytes;
  };

  /// Fetches through `process` (which must outlive this object), at most `budget` bytes in all (rounded
  /// down to whole pages). `copied`: memory already copied, whose bytes must outlive this object.
  RecordingMemory(const ProcessMemory& process, std::size_t budget, std::vector<Copied> copied = {});

  std::size_t read(std::uint64_t address, std::span<std::byte> out) const override;

  /// What the reads cost so far (duration excluded: the caller times the step).
  FrozenReadStats stats() const;

  /// Every page fetched, as sorted runs of adjacent pages. Call once the target has been let go.
  std::vector<MemoryCopy> take_pages();

 private:
  static constexpr std::size_t pages_per_block = 64;

  /// The copy holding all of [address, address + size), if one does.
  const Copied* copied_holding(std::uint64_t address, std::size_t size) const;

  /// The page's bytes, or null when it was not fetched.
  const std::byte* page(std::uint64_t page_number) const;
  /// Fetches the pages of `wanted` (page numbers, ascending) that are not cached yet, in one call.
  void fetch(std::span<const std::uint64_t> wanted) const;
  std::byte* new_slot() const;

  const ProcessMemory& process_;
  std::size_t budget_pages_;
  std::vector<Copied> copied_;       // sorted by start
  std::size_t longest_copied_ = 0;   // bounds the backward scan over overlapping copies
  mutable std::unordered_map<std::uint64_t, std::byte*> pages_;  // page number -> its bytes in a block
  mutable std::unordered_set<std::uint64_t> unreadable_;         // pages the target did not give
  mutable std::vector<std::unique_ptr<std::byte[]>> blocks_;
  mutable std::size_t used_in_block_ = pages_per_block;
  mutable std::size_t calls_ = 0;
  mutable bool budget_hit_ = false;
};

}  // namespace gmr::attach
