#include "attach/memory_copy.hpp"

#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <future>
#include <limits>
#include <new>
#include <utility>

#include "attach/run_beside.hpp"

namespace gmr::attach {
namespace {

/// The bytes of `request` that exist: none past the last address (2^64 - 1), so that start + size never
/// wraps to address 0.
std::size_t addressable_size(const RangeRequest& request) {
  constexpr std::uint64_t last = std::numeric_limits<std::uint64_t>::max();
  if (request.size > 0 && request.size - 1 > last - request.start)
    return static_cast<std::size_t>(last - request.start + 1);
  return request.size;
}

}  // namespace

CopyBuffer::CopyBuffer(std::size_t bytes) {
  if (bytes == 0 || bytes > RangeCopies::max_batch_bytes) return;
  bytes_.reset(new (std::nothrow) std::byte[bytes]);
  if (!bytes_) return;
  size_ = bytes;
  const long page = sysconf(_SC_PAGESIZE);
  const std::size_t step = page > 0 ? static_cast<std::size_t>(page) : 4096;
  for (std::size_t i = 0; i < bytes; i += step) bytes_[i] = std::byte{0};
}

RangeCopies::RangeCopies(std::span<const RangeRequest> requests, CopyBuffer prepared)
    : prepared_(std::move(prepared.bytes_)) {
  results_.reserve(requests.size());
  std::size_t total = 0;
  for (const auto& request : requests) {
    Result result{request.start, nullptr, addressable_size(request), 0, 0};
    // Checked before adding: a sum that wrapped would make the buffer short and put the later ranges
    // outside it.
    if (result.size > max_batch_bytes - total) {
      result.size = 0;
      result.error = ENOMEM;
    }
    total += result.size;
    results_.push_back(result);
  }
  std::size_t used = 0;  // of prepared_
  std::size_t i = 0;
  for (; i < results_.size() && results_[i].size <= prepared.size_ - used; ++i) {
    results_[i].at = prepared_.get() + used;
    used += results_[i].size;
  }
  if (i == results_.size()) return;
  overflow_.reset(new (std::nothrow) std::byte[total - used]);
  std::size_t offset = 0;
  for (; i < results_.size(); ++i) {
    Result& r = results_[i];
    if (!overflow_) {
      r = {r.start, nullptr, 0, 0, ENOMEM};
      continue;
    }
    r.at = overflow_.get() + offset;
    offset += r.size;
  }
}

std::expected<MemoryCopy, int> RangeCopies::take(std::size_t i) const {
  const Result& r = results_.at(i);
  if (r.error != 0) return std::unexpected(r.error);
  MemoryCopy copy;
  copy.start = r.start;
  if (r.read > 0) copy.bytes.assign(r.at, r.at + r.read);
  return copy;
}

std::span<const std::byte> RangeCopies::bytes(std::size_t i) const {
  const Result& r = results_.at(i);
  if (r.error != 0 || r.read == 0) return {};
  return {r.at, r.read};
}

RangeCopies copy_ranges_in_one_buffer(const ProcessMemory& memory, std::span<const RangeRequest> requests,
                                      CopyBuffer prepared, std::size_t max_bytes_per_read) {
  RangeCopies copies(requests, std::move(prepared));
  auto& results = copies.results_;
  max_bytes_per_read = std::max<std::size_t>(max_bytes_per_read, 1);

  // The ranges the buffers hold, in order; sizes are the buffers' (Result::size), never the requests'.
  std::vector<std::size_t> pending;
  pending.reserve(results.size());
  for (std::size_t i = 0; i < results.size(); ++i)
    if (results[i].error == 0 && results[i].size > 0) pending.push_back(i);

  // Reads pending[next, end).
  auto read_pending = [&](std::size_t next, std::size_t end) {
    // One call reads the rest of pending[next], then whole ranges after it, at most IOV_MAX of them and
    // max_bytes_per_read bytes in all; the last range of a call may be only begun, and is continued next.
    std::vector<iovec> local;
    std::vector<iovec> remote;
    while (next < end) {
      local.clear();
      remote.clear();
      std::size_t budget = max_bytes_per_read;
      for (std::size_t k = next; k < end && local.size() < IOV_MAX && budget > 0; ++k) {
        const auto& r = results[pending[k]];
        const std::size_t take = std::min(r.size - r.read, budget);
        local.push_back({r.at + r.read, take});
        remote.push_back({reinterpret_cast<void*>(r.start + r.read), take});
        budget -= take;
      }
      const auto got = memory.read_ranges(local, remote);
      if (!got && got.error() == EINTR) continue;
      if (!got) {
        // Nothing more of pending[next] could be read: it keeps what it has (none: the errno), and the
        // others are tried again after it.
        if (results[pending[next]].read == 0) results[pending[next]].error = got.error();
        ++next;
        continue;
      }
      // The kernel stops at the first unreadable byte: ranges before it are read, that one is cut short.
      std::size_t left = *got;
      for (std::size_t piece = 0; piece < local.size(); ++piece) {
        auto& r = results[pending[next]];
        const std::size_t read = std::min(left, local[piece].iov_len);
        r.read += read;
        left -= read;
        if (read < local[piece].iov_len) {  // cut short: this range is done
          if (r.read == 0) r.error = EFAULT;
          ++next;
          break;
        }
        if (r.read == r.size) ++next;  // else begun only: continued by the next call
      }
    }
  };

  // A large batch is read by two threads, each half of the ranges (results are disjoint): the stacks of
  // 10,000 stopped threads (about 31 MB) took 62 ms on one thread and 46 ms on two, of 1,000 (3 MB) 7.8 and
  // 6.2 ms (2-CPU VM). Only where a thread is cheap next to the copy; on this thread alone when none can be
  // started (run_beside).
  std::size_t bytes = 0;
  for (std::size_t i : pending) bytes += results[i].size;
  if (bytes >= RangeCopies::two_thread_min_bytes && pending.size() >= 2) {
    const std::size_t half = pending.size() / 2;
    std::future<void> other_half =
        run_beside([&read_pending, half, end = pending.size()] { read_pending(half, end); });
    read_pending(0, half);
    other_half.get();
  } else {
    read_pending(0, pending.size());
  }
  return copies;
}

}  // namespace gmr::attach
