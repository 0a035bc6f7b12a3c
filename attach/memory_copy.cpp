#include "attach/memory_copy.hpp"

#include <limits.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>

namespace gmr::attach {

std::vector<std::expected<MemoryCopy, int>> copy_ranges(pid_t pid, std::span<const RangeRequest> requests) {
  std::vector<std::expected<MemoryCopy, int>> results;
  results.reserve(requests.size());
  for (const auto& r : requests) {
    MemoryCopy copy;
    copy.start = r.start;
    copy.bytes.resize(r.size);
    results.emplace_back(std::move(copy));
  }

  std::vector<iovec> local;
  std::vector<iovec> remote;
  std::size_t next = 0;
  while (next < requests.size()) {
    const std::size_t count = std::min<std::size_t>(IOV_MAX, requests.size() - next);
    local.clear();
    remote.clear();
    std::size_t wanted = 0;
    for (std::size_t i = next; i < next + count; ++i) {
      local.push_back({results[i]->bytes.data(), requests[i].size});
      remote.push_back({reinterpret_cast<void*>(requests[i].start), requests[i].size});
      wanted += requests[i].size;
    }
    ssize_t got = process_vm_readv(pid, local.data(), count, remote.data(), count, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      // Nothing of the first range could be read; the rest of the batch is tried again after it.
      results[next] = std::unexpected(errno);
      ++next;
      continue;
    }
    // The kernel stops at the first unreadable byte: ranges before it are whole, that one is cut short.
    std::size_t left = static_cast<std::size_t>(got);
    std::size_t i = next;
    for (; i < next + count && left >= requests[i].size; ++i) left -= requests[i].size;
    if (static_cast<std::size_t>(got) == wanted) {
      next += count;
      continue;
    }
    if (left > 0) {
      results[i]->bytes.resize(left);
    } else {
      results[i] = std::unexpected(EFAULT);
    }
    next = i + 1;
  }
  return results;
}

}  // namespace gmr::attach
