#include "report/core/core_wait_memory.hpp"

#include <optional>
#include <vector>

#include "attach/wait_memory.hpp"

namespace gmr::core {
namespace {

/// The readable prefix of `range` as the core holds it, as a live copy stops at the first unreadable byte.
std::optional<attach::MemoryCopy> held_prefix(const CoreImage& image, const attach::RangeRequest& range) {
  std::vector<std::byte> bytes;
  while (bytes.size() < range.size) {
    const auto piece = image.segment_bytes_from(range.start + bytes.size(), range.size - bytes.size());
    if (piece.empty()) break;
    bytes.insert(bytes.end(), piece.begin(), piece.end());
  }
  if (bytes.empty()) return std::nullopt;
  return attach::MemoryCopy{range.start, std::move(bytes)};
}

}  // namespace

void add_wait_memory(const CoreImage& image, attach::Snapshot& snapshot) {
  for (auto& thread : snapshot.threads) {
    if (!thread.registers) continue;
    if (auto range = attach::syscall_memory_request(*thread.registers)) thread.syscall_memory = held_prefix(image, *range);
    for (const auto& range : attach::pointed_word_requests(thread, snapshot.maps))
      if (auto copy = held_prefix(image, range)) thread.pointed_words.push_back(std::move(*copy));
  }
}

}  // namespace gmr::core
