#include "attach/memory_copy.hpp"

#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace gmr::attach {

CopyBuffer::CopyBuffer(std::size_t bytes) : bytes_(std::make_unique_for_overwrite<std::byte[]>(bytes)), size_(bytes) {
  const long page = sysconf(_SC_PAGESIZE);
  const std::size_t step = page > 0 ? static_cast<std::size_t>(page) : 4096;
  for (std::size_t i = 0; i < bytes; i += step) bytes_[i] = std::byte{0};
}

RangeCopies::RangeCopies(std::span<const RangeRequest> requests, CopyBuffer prepared)
    : prepared_(std::move(prepared.bytes_)) {
  results_.reserve(requests.size());
  std::size_t used = 0;  // of prepared
  std::size_t i = 0;
  for (; i < requests.size() && requests[i].size <= prepared.size_ - used; ++i) {
    results_.push_back({requests[i].start, prepared_.get() + used, 0, 0});
    used += requests[i].size;
  }
  std::size_t overflow = 0;
  for (std::size_t j = i; j < requests.size(); ++j) overflow += requests[j].size;
  if (overflow > 0) overflow_ = std::make_unique_for_overwrite<std::byte[]>(overflow);
  std::size_t offset = 0;
  for (; i < requests.size(); ++i) {
    results_.push_back({requests[i].start, overflow_.get() + offset, 0, 0});
    offset += requests[i].size;
  }
}

std::expected<MemoryCopy, int> RangeCopies::take(std::size_t i) const {
  const Result& r = results_.at(i);
  if (r.error != 0) return std::unexpected(r.error);
  MemoryCopy copy;
  copy.start = r.start;
  copy.bytes.assign(r.at, r.at + r.read);
  return copy;
}

RangeCopies copy_ranges_in_one_buffer(const ProcessMemory& memory, std::span<const RangeRequest> requests,
                                      CopyBuffer prepared) {
  RangeCopies copies(requests, std::move(prepared));
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
      local.push_back({results[i].at, requests[i].size});
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
