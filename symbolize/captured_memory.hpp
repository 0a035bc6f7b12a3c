// The target's memory as far as gmr kept it: the stacks copied while frozen (and the threads' own stacks
// below signal frames on alternate stacks), the vDSO copy, and read-only file-backed mappings (whose bytes
// are the file's). This is what the unwinder reads instead of the process.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "attach/base/unique_fd.hpp"
#include "attach/file_source.hpp"
#include "attach/snapshot.hpp"

namespace gmr::symbolize {

class CapturedMemory {
 public:
  /// Indexes `snapshot`; the bytes of read-only file mappings come from `files`. Both must outlive this
  /// object (the snapshot's byte buffers are not copied).
  CapturedMemory(const attach::Snapshot& snapshot, const attach::FileSource& files);

  /// The 8 bytes at `address` (host byte order = target's, x86-64 only), or nullopt when no kept copy
  /// holds all of them. Files are opened lazily, once each.
  std::optional<std::uint64_t> read_word(std::uint64_t address);

  /// `copy`, one of the snapshot's stack copies, is read no more (its thread is unwound): its bytes may be
  /// freed. Reads inside it find only the other copies.
  void forget(const attach::MemoryCopy& copy);

 private:
  struct Span {
    std::uint64_t start = 0;
    std::uint64_t end = 0;
    const std::byte* bytes = nullptr;  // null: forgotten
  };

  std::optional<std::uint64_t> read_stack(std::uint64_t address) const;
  std::optional<std::uint64_t> read_file(std::uint64_t address);
  int file_for(const attach::Mapping& mapping);

  const attach::Snapshot& snapshot_;
  const attach::FileSource& file_source_;
  std::vector<Span> stacks_;           // sorted by start; copies may overlap (threads sharing a mapping)
  std::uint64_t longest_stack_ = 0;    // bounds the backward scan over overlapping copies
  std::optional<Span> vdso_;
  std::map<std::string, attach::UniqueFd> open_files_;  // by dev:inode:path; an invalid fd = tried and failed
};

}  // namespace gmr::symbolize
