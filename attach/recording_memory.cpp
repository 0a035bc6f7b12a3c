#include "attach/recording_memory.hpp"

#include <limits.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <utility>

namespace gmr::attach {

RecordingMemory::RecordingMemory(const ProcessMemory& process, std::size_t budget, std::vector<Copied> copied)
    : process_(process), budget_pages_(budget / page_size), copied_(std::move(copied)) {
  std::erase_if(copied_, [](const Copied& c) { return c.bytes.empty(); });
  std::ranges::sort(copied_, {}, &Copied::start);
  for (const auto& c : copied_) longest_copied_ = std::max(longest_copied_, c.bytes.size());
}

const RecordingMemory::Copied* RecordingMemory::copied_holding(std::uint64_t address, std::size_t size) const {
  auto it = std::ranges::upper_bound(copied_, address, {}, &Copied::start);
  while (it != copied_.begin()) {
    --it;
    const std::uint64_t offset = address - it->start;
    if (offset < it->bytes.size() && it->bytes.size() - offset >= size) return &*it;
    if (offset >= longest_copied_) break;
  }
  return nullptr;
}

const std::byte* RecordingMemory::page(std::uint64_t page_number) const {
  auto it = pages_.find(page_number);
  return it == pages_.end() ? nullptr : it->second;
}

std::byte* RecordingMemory::new_slot() const {
  if (used_in_block_ == pages_per_block) {
    blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(pages_per_block * page_size));
    used_in_block_ = 0;
  }
  return blocks_.back().get() + page_size * used_in_block_++;
}

void RecordingMemory::fetch(std::span<const std::uint64_t> wanted) const {
  const std::size_t allowed = budget_pages_ > pages_.size() ? budget_pages_ - pages_.size() : 0;
  if (wanted.size() > allowed) {
    budget_hit_ = true;
    wanted = wanted.first(allowed);
  }
  std::vector<iovec> local;
  std::vector<iovec> remote;
  while (!wanted.empty()) {
    const std::span<const std::uint64_t> batch = wanted.first(std::min<std::size_t>(wanted.size(), IOV_MAX));
    local.clear();
    remote.clear();
    for (std::uint64_t p : batch) {
      local.push_back({new_slot(), page_size});
      remote.push_back({reinterpret_cast<void*>(p * page_size), page_size});
    }
    std::expected<std::size_t, int> got;
    do {
      ++calls_;
      got = process_.read_ranges(local, remote);
    } while (!got && got.error() == EINTR);
    // The kernel stops at the first page it cannot read: the pages before it are whole.
    const std::size_t whole = got ? *got / page_size : 0;
    for (std::size_t i = 0; i < whole; ++i) pages_.emplace(batch[i], static_cast<std::byte*>(local[i].iov_base));
    if (whole < batch.size()) {
      unreadable_.insert(batch[whole]);
      return;  // a read stops there anyway; later pages are fetched when a read reaches them
    }
    wanted = wanted.subspan(batch.size());
  }
}

std::size_t RecordingMemory::read(std::uint64_t address, std::span<std::byte> out) const {
  if (out.empty()) return 0;
  // A read running past the top of the address space is cut there.
  const std::uint64_t room = std::numeric_limits<std::uint64_t>::max() - address;
  if (out.size() - 1 > room) out = out.first(static_cast<std::size_t>(room) + 1);
  if (const Copied* copy = copied_holding(address, out.size())) {
    std::memcpy(out.data(), copy->bytes.data() + (address - copy->start), out.size());
    return out.size();
  }
  const std::uint64_t first = address / page_size;
  const std::uint64_t last = (address + (out.size() - 1)) / page_size;

  std::vector<std::uint64_t> missing;
  for (std::uint64_t p = first; p <= last; ++p) {
    if (page(p) != nullptr) continue;
    if (unreadable_.contains(p)) break;
    missing.push_back(p);
  }
  if (!missing.empty()) fetch(missing);

  std::size_t done = 0;
  for (std::uint64_t p = first; p <= last && done < out.size(); ++p) {
    const std::byte* bytes = page(p);
    if (bytes == nullptr) break;
    const std::uint64_t at = address + done;
    const std::size_t offset = static_cast<std::size_t>(at - p * page_size);
    const std::size_t n = std::min(page_size - offset, out.size() - done);
    std::memcpy(out.data() + done, bytes + offset, n);
    done += n;
  }
  return done;
}

FrozenReadStats RecordingMemory::stats() const {
  FrozenReadStats stats;
  stats.pages = pages_.size();
  stats.read_calls = calls_;
  stats.unreadable_pages = unreadable_.size();
  stats.budget_hit = budget_hit_;
  return stats;
}

std::vector<MemoryCopy> RecordingMemory::take_pages() {
  std::vector<std::pair<std::uint64_t, const std::byte*>> sorted(pages_.begin(), pages_.end());
  std::ranges::sort(sorted, {}, &std::pair<std::uint64_t, const std::byte*>::first);
  std::vector<MemoryCopy> runs;
  for (const auto& [number, bytes] : sorted) {
    if (runs.empty() || runs.back().end() != number * page_size) runs.push_back({number * page_size, {}});
    runs.back().bytes.insert(runs.back().bytes.end(), bytes, bytes + page_size);
  }
  pages_.clear();
  blocks_.clear();
  used_in_block_ = pages_per_block;
  return runs;
}

}  // namespace gmr::attach
