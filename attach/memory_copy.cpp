#include "attach/memory_copy.hpp"

#include <limits.h>

#include <algorithm>
#include <cerrno>

namespace gmr::attach {

RangeCopies::RangeCopies(std::span<const RangeRequest> requests) {
  results_.reserve(requests.size());
  std::size_t total = 0;
  for (const auto& r : requests) {
    results_.push_back({r.start, total, 0, 0});
    total += r.size;
  }
  buffer_ = std::make_unique_for_overwrite<std::byte[]>(total);
}

std::expected<MemoryCopy, int> RangeCopies::take(std::size_t i) const {
  const Result& r = results_.at(i);
  if (r.error != 0) return std::unexpected(r.error);
  MemoryCopy copy;
  copy.start = r.start;
  copy.bytes.assign(buffer_.get() + r.offset, buffer_.get() + r.offset + r.read);
  return copy;
}

std::span<const std::byte> RangeCopies::bytes(std::size_t i) const {
  const Result& r = results_.at(i);
  if (r.error != 0) return {};
  return {buffer_.get() + r.offset, r.read};
}

RangeCopies copy_ranges_in_one_buffer(const ProcessMemory& memory, std::span<const RangeRequest> requests) {
  RangeCopies copies(requests);
  auto& results = copies.results_;

  std::vector<iovec> local;
  std::vector<iovec> remote;
  std::size_t next = 0;
  while (next < requests.size()) {
    const std::size_t count = std::min<std::size_t>(IOV_MAX, requests.size() - next);
    local.clear();
    remote.clear();
    std::size_t wanted = 0;
    for (std::size_t i = next; i < next + count; ++i) {
      local.push_back({copies.buffer_.get() + results[i].offset, requests[i].size});
      remote.push_back({reinterpret_cast<void*>(requests[i].start), requests[i].size});
      wanted += requests[i].size;
    }
    const auto got = memory.read_ranges(local, remote);
    if (!got && got.error() == EINTR) continue;
    if (!got) {
      // Nothing of the first range could be read; the rest of the batch is tried again after it.
      results[next].error = got.error();
      ++next;
      continue;
    }
    // The kernel stops at the first unreadable byte: ranges before it are whole, that one is cut short.
    std::size_t left = *got;
    std::size_t i = next;
    for (; i < next + count && left >= requests[i].size; ++i) {
      results[i].read = requests[i].size;
      left -= requests[i].size;
    }
    if (*got == wanted) {
      next += count;
      continue;
    }
    if (left > 0) {
      results[i].read = left;
    } else {
      results[i].error = EFAULT;
    }
    next = i + 1;
  }
  return copies;
}

}  // namespace gmr::attach
