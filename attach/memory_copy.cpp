#include "attach/memory_copy.hpp"

#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <future>
#include <limits>
#include <new>
#include <stdexcept>
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

RangeCopies::RangeCopies(CopyBuffer prepared, std::size_t capacity)
    : prepared_(std::move(prepared.bytes_)),
      prepared_size_(prepared.size_),
      results_(std::make_unique<Result[]>(capacity)),
      capacity_(capacity) {}

RangeCopies::RangeCopies(std::span<const RangeRequest> requests, CopyBuffer prepared)
    : RangeCopies(std::move(prepared), requests.size()) {
  add(requests);
}

std::size_t RangeCopies::add(std::span<const RangeRequest> requests) {
  if (requests.size() > capacity_ - count_) throw std::length_error("RangeCopies: more requests than its capacity");
  const std::size_t first = count_;
  Result* const added = results_.get() + first;
  std::size_t bytes = 0;  // of this call's
  for (std::size_t k = 0; k < requests.size(); ++k) {
    Result result{requests[k].start, nullptr, addressable_size(requests[k]), 0, 0};
    // Checked before adding: a sum that wrapped would make the buffer short and put the later ranges
    // outside it.
    if (result.size > max_batch_bytes - total_) {
      result.size = 0;
      result.error = ENOMEM;
    }
    total_ += result.size;
    bytes += result.size;
    added[k] = result;
  }
  std::size_t k = 0;
  for (; k < requests.size() && added[k].size <= prepared_size_ - prepared_used_; ++k) {
    added[k].at = prepared_.get() + prepared_used_;
    prepared_used_ += added[k].size;
    bytes -= added[k].size;
  }
  if (k < requests.size()) {
    std::unique_ptr<std::byte[]> overflow(new (std::nothrow) std::byte[bytes]);
    std::size_t offset = 0;
    for (; k < requests.size(); ++k) {
      Result& r = added[k];
      if (!overflow) {
        r = {r.start, nullptr, 0, 0, ENOMEM};
        continue;
      }
      r.at = overflow.get() + offset;
      offset += r.size;
    }
    if (overflow) overflow_.push_back(std::move(overflow));
  }
  count_ += requests.size();
  return first;
}

const RangeCopies::Result& RangeCopies::result(std::size_t i) const {
  if (i >= count_) throw std::out_of_range("RangeCopies: no such request");
  return results_[i];
}

std::size_t RangeCopies::reserved_bytes(std::size_t first, std::size_t end) const {
  std::size_t bytes = 0;
  for (std::size_t i = first; i < end; ++i) bytes += results_[i].size;
  return bytes;
}

std::expected<MemoryCopy, int> RangeCopies::take(std::size_t i) const {
  const Result& r = result(i);
  if (r.error != 0) return std::unexpected(r.error);
  MemoryCopy copy;
  copy.start = r.start;
  if (r.read > 0) copy.bytes.assign(r.at, r.at + r.read);
  return copy;
}

std::span<const std::byte> RangeCopies::bytes(std::size_t i) const {
  const Result& r = result(i);
  if (r.error != 0 || r.read == 0) return {};
  return {r.at, r.read};
}

void RangeCopies::read(const ProcessMemory& memory, std::size_t first, std::size_t end,
                       std::size_t max_bytes_per_read) {
  // Only results_[first, end) is touched, never count_, overflow_ or total_: add() may run beside.
  Result* const results = results_.get();
  max_bytes_per_read = std::max<std::size_t>(max_bytes_per_read, 1);
  // The ranges the buffers hold, in order; sizes are the buffers' (Result::size), never the requests'.
  std::vector<std::size_t> pending;
  pending.reserve(end - first);
  for (std::size_t i = first; i < end; ++i)
    if (results[i].error == 0 && results[i].size > 0) pending.push_back(i);

  // One call reads the rest of pending[next], then whole ranges after it, at most IOV_MAX of them and
  // max_bytes_per_read bytes in all; the last range of a call may be only begun, and is continued next.
  std::vector<iovec> local;
  std::vector<iovec> remote;
  std::size_t next = 0;
  while (next < pending.size()) {
    local.clear();
    remote.clear();
    std::size_t budget = max_bytes_per_read;
    for (std::size_t k = next; k < pending.size() && local.size() < IOV_MAX && budget > 0; ++k) {
      const Result& r = results[pending[k]];
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
      Result& r = results[pending[next]];
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
}

RangeCopies copy_ranges_in_one_buffer(const ProcessMemory& memory, std::span<const RangeRequest> requests,
                                      CopyBuffer prepared, std::size_t max_bytes_per_read) {
  RangeCopies copies(requests, std::move(prepared));
  // A large batch is read by two threads, each half of the ranges (results are disjoint): the stacks of
  // 10,000 stopped threads (about 31 MB) took 62 ms on one thread and 46 ms on two, of 1,000 (3 MB) 7.8 and
  // 6.2 ms (2-CPU VM). Only where a thread is cheap next to the copy; on this thread alone when none can be
  // started (run_beside).
  const std::size_t count = copies.size();
  if (copies.reserved_bytes(0, count) >= RangeCopies::two_thread_min_bytes && count >= 2) {
    const std::size_t half = count / 2;
    std::future<void> other_half = run_beside(
        [&copies, &memory, half, count, max_bytes_per_read] { copies.read(memory, half, count, max_bytes_per_read); });
    copies.read(memory, 0, half, max_bytes_per_read);
    other_half.get();
  } else {
    copies.read(memory, 0, count, max_bytes_per_read);
  }
  return copies;
}

}  // namespace gmr::attach
