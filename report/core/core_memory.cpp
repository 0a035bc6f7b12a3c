#include "report/core/core_memory.hpp"

#include <elf.h>

#include <algorithm>

namespace gmr::core {
namespace {

template <typename Visit>
void each_copy(const attach::Snapshot& snapshot, Visit visit) {
  auto add = [&](const std::optional<attach::MemoryCopy>& copy) {
    if (copy && !copy->bytes.empty()) visit(copy->start, std::span<const std::byte>(copy->bytes));
  };
  for (const auto& thread : snapshot.threads) {
    add(thread.stack);
    add(thread.interrupted_stack);
    add(thread.syscall_memory);
    for (const auto& words : thread.pointed_words)
      if (!words.bytes.empty()) visit(words.start, std::span<const std::byte>(words.bytes));
  }
  for (const auto& copy : snapshot.interpreter_memory)
    if (!copy.bytes.empty()) visit(copy.start, std::span<const std::byte>(copy.bytes));
  add(snapshot.vdso);
  // A configuration value's text is the target's bytes at data_address (attach/symbol_values.cpp).
  for (const auto& value : snapshot.symbols)
    if (value.text && value.data_address && !value.text->empty())
      visit(*value.data_address, std::as_bytes(std::span<const char>(*value.text)));
}

std::uint32_t flags_at(const attach::Maps& maps, std::uint64_t address) {
  const attach::Mapping* mapping = maps.find(address);
  if (mapping == nullptr) return PF_R;
  std::uint32_t flags = mapping->perms.empty() || mapping->perms[0] == 'r' ? PF_R : 0;
  if (mapping->writable()) flags |= PF_W;
  if (mapping->executable()) flags |= PF_X;
  return flags;
}

}  // namespace

std::vector<MemoryRun> memory_runs(const attach::Snapshot& snapshot, std::span<const attach::MemoryCopy> extra) {
  std::vector<MemoryRun::Piece> copies;
  auto add = [&](std::uint64_t start, std::span<const std::byte> bytes) {
    // A copy that would wrap around the address space is cut at its end.
    const std::uint64_t room = ~std::uint64_t{0} - start;
    copies.push_back({start, bytes.first(static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), room)))});
  };
  each_copy(snapshot, add);
  for (const auto& copy : extra) add(copy.start, copy.bytes);
  std::ranges::sort(copies, {}, &MemoryRun::Piece::start);
  std::vector<MemoryRun> runs;
  for (auto piece : copies) {
    if (piece.bytes.empty()) continue;
    if (!runs.empty() && runs.back().end >= piece.start) {
      MemoryRun& run = runs.back();
      const std::uint64_t piece_end = piece.start + piece.bytes.size();
      if (piece_end <= run.end) continue;
      piece.bytes = piece.bytes.subspan(static_cast<std::size_t>(run.end - piece.start));
      piece.start = run.end;
      run.pieces.push_back(piece);
      run.end = piece_end;
      continue;
    }
    runs.push_back({.start = piece.start, .end = piece.start + piece.bytes.size(), .pieces = {piece}, .flags = 0});
  }
  for (auto& run : runs) run.flags = flags_at(snapshot.maps, run.start);
  return runs;
}

std::uint64_t copied_bytes(const attach::Snapshot& snapshot) {
  std::uint64_t total = 0;
  each_copy(snapshot, [&](std::uint64_t, std::span<const std::byte> bytes) { total += bytes.size(); });
  return total;
}

}  // namespace gmr::core
