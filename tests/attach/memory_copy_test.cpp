// copy_ranges_in_one_buffer() given any size: ranges that wrap past the end of the address space, sizes
// whose sum overflows, sizes no buffer can hold. Each range is either copied exactly or has an errno; the
// ordinary ranges of the same batch are still copied whole, and no byte is written outside the buffer.
// With a buffer prepared before the freeze: requests fill it in order, what does not fit goes into one more
// buffer, and every copy reads the same either way.
#include <doctest/doctest.h>

#include <limits.h>
#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "attach/memory_copy.hpp"
#include "fake_process.hpp"

using namespace gmr;
using attach::RangeRequest;

namespace {

constexpr std::uint64_t page = 4096;
constexpr std::uint64_t region = 0x10'0000;          // 4 readable pages
constexpr std::size_t region_size = 4 * page;
constexpr std::size_t max_size = std::numeric_limits<std::size_t>::max();
constexpr std::uint64_t top = std::numeric_limits<std::uint64_t>::max();

/// The kernel's MAX_RW_COUNT (INT_MAX & PAGE_MASK): process_vm_readv reads no more in one call, silently.
constexpr std::size_t max_rw_count = 0x7fff'f000;

/// FakeMemory behind the checks the kernel makes of process_vm_readv's arguments, plus two it cannot
/// make: the local ranges of one call do not overlap (they may lie in two buffers: the prepared one and
/// the one allocated for the rest), and the call asks for no more than the kernel would read. A call that
/// breaks them is counted and refused with EINVAL, so that a bad batch fails the test instead of writing
/// outside its buffer.
class StrictMemory final : public attach::ProcessMemory {
 public:
  test::FakeKernel kernel;
  test::FakeMemory fake{kernel};
  mutable std::atomic<std::size_t> calls = 0;  // atomic: a large batch is read by two threads
  mutable std::atomic<std::size_t> bad_calls = 0;

  StrictMemory() { fake.add_region(region, region_size); }

  std::expected<std::size_t, int> read_ranges(std::span<const iovec> local,
                                              std::span<const iovec> remote) const override {
    ++calls;
    bool ok = local.size() == remote.size() && local.size() <= IOV_MAX;
    std::vector<std::pair<std::uintptr_t, std::uintptr_t>> taken;  // [base, end) of the ranges before
    std::size_t total = 0;
    for (std::size_t i = 0; ok && i < local.size(); ++i) {
      const auto base = reinterpret_cast<std::uintptr_t>(local[i].iov_base);
      const std::size_t len = local[i].iov_len;
      const auto remote_base = reinterpret_cast<std::uint64_t>(remote[i].iov_base);
      ok = len == remote[i].iov_len && len <= static_cast<std::size_t>(SSIZE_MAX) &&
           (len == 0 || remote_base + (len - 1) >= remote_base) && (len == 0 || base + (len - 1) >= base) &&
           std::none_of(taken.begin(), taken.end(),
                        [&](const auto& t) { return base < t.second && t.first < base + len; });
      if (len > 0) taken.emplace_back(base, base + len);
      ok = ok && len <= max_rw_count - total;
      total += len;
    }
    if (!ok) {
      ++bad_calls;
      return std::unexpected(EINVAL);
    }
    return fake.read_ranges(local, remote);
  }
};

/// FakeMemory, keeping which threads called it.
class ThreadRecordingMemory final : public attach::ProcessMemory {
 public:
  explicit ThreadRecordingMemory(const test::FakeKernel& kernel) : fake(kernel) {}
  test::FakeMemory fake;

  std::expected<std::size_t, int> read_ranges(std::span<const iovec> local,
                                              std::span<const iovec> remote) const override {
    {
      std::lock_guard lock(mutex_);
      threads_.insert(std::this_thread::get_id());
    }
    return fake.read_ranges(local, remote);
  }
  std::set<std::thread::id> threads() const {
    std::lock_guard lock(mutex_);
    return threads_;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::set<std::thread::id> threads_;
};

/// The copy of request `i` holds exactly `size` bytes from the request's start, each the low byte of its
/// address (what FakeMemory::add_region puts there).
void check_copied(const attach::RangeCopies& copies, std::size_t i, std::uint64_t start, std::size_t size) {
  CAPTURE(i);
  const auto copy = copies.take(i);
  REQUIRE(copy);
  CHECK(copy->start == start);
  REQUIRE(copy->bytes.size() == size);
  for (std::size_t k = 0; k < size; ++k)
    if (copy->bytes[k] != static_cast<std::byte>((start + k) & 0xff)) FAIL("byte ", k, " differs");
}

void check_error(const attach::RangeCopies& copies, std::size_t i, int error) {
  CAPTURE(i);
  const auto copy = copies.take(i);
  REQUIRE_FALSE(copy);
  CHECK(copy.error() == error);
}

}  // namespace

TEST_SUITE("attach::memory_copy") {
  TEST_CASE("ordinary ranges: one read, each copy whole") {
    StrictMemory memory;
    const std::vector<RangeRequest> requests{{region, 64}, {region + page, page}, {region + 3 * page, 16}};
    const auto copies = attach::copy_ranges_in_one_buffer(memory, requests);
    REQUIRE(copies.size() == 3);
    check_copied(copies, 0, region, 64);
    check_copied(copies, 1, region + page, page);
    check_copied(copies, 2, region + 3 * page, 16);
    CHECK(memory.calls == 1);
    CHECK(memory.bad_calls == 0);
  }

  TEST_CASE("a size of 2^64-1, which made the buffer offsets of later ranges wrap, is refused alone") {
    // Before: the total of the sizes wrapped, the buffer was a few bytes long and the later ranges were
    // written before and past it (free(): invalid next size).
    StrictMemory memory;
    const std::vector<RangeRequest> requests{
        {region, 64}, {region + 128, max_size}, {region + page, 256}, {region + 2 * page, max_size}, {region + 3 * page, 32}};
    const auto copies = attach::copy_ranges_in_one_buffer(memory, requests);
    CHECK(memory.bad_calls == 0);
    REQUIRE(copies.size() == 5);
    check_copied(copies, 0, region, 64);
    check_error(copies, 1, ENOMEM);
    check_copied(copies, 2, region + page, 256);
    check_error(copies, 3, ENOMEM);
    check_copied(copies, 4, region + 3 * page, 32);
  }

  TEST_CASE("sizes whose sum overflows: the ranges that do not fit are refused, the others copied") {
    StrictMemory memory;
    const std::size_t half = max_size / 2 + 1;
    const std::vector<RangeRequest> requests{{region, 8}, {region, half}, {region, half}, {region + 8, 8}};
    const auto copies = attach::copy_ranges_in_one_buffer(memory, requests);
    CHECK(memory.bad_calls == 0);
    check_copied(copies, 0, region, 8);
    check_error(copies, 1, ENOMEM);
    check_error(copies, 2, ENOMEM);
    check_copied(copies, 3, region + 8, 8);
  }

  TEST_CASE("a range past the end of the address space is cut at its end, never wrapped to address 0") {
    StrictMemory memory;
    const std::vector<RangeRequest> requests{{top - 15, 64}, {top, 2}, {region, 16}};
    const auto copies = attach::copy_ranges_in_one_buffer(memory, requests);
    CHECK(memory.bad_calls == 0);
    check_error(copies, 0, EFAULT);
    check_error(copies, 1, EFAULT);
    check_copied(copies, 2, region, 16);
  }

  TEST_CASE("a large but holdable range: no call asks for more than the kernel reads in one") {
    StrictMemory memory;
    const std::vector<RangeRequest> requests{{region, 64}, {region + page, std::size_t{2} << 30}};
    const auto copies = attach::copy_ranges_in_one_buffer(memory, requests);
    CHECK(memory.bad_calls == 0);
    check_copied(copies, 0, region, 64);
    check_copied(copies, 1, region + page, 3 * page);  // up to where the memory ends
  }

  TEST_CASE("a range larger than one read allows is read on in the next calls, whole") {
    StrictMemory memory;
    const std::vector<RangeRequest> requests{{region, 64}, {region + 100, 3000}, {region + page, 16}};
    const auto copies = attach::copy_ranges_in_one_buffer(memory, requests, /*max_bytes_per_read=*/1000);
    CHECK(memory.bad_calls == 0);
    check_copied(copies, 0, region, 64);
    check_copied(copies, 1, region + 100, 3000);
    check_copied(copies, 2, region + page, 16);
    CHECK(memory.calls == 4);  // 64 + 936, 1000, 1000, 64 + 16
  }

  TEST_CASE("a range cut short by unreadable memory after a first read keeps what was read") {
    StrictMemory memory;
    const std::vector<RangeRequest> requests{{region + 3 * page, 3 * page}, {region, 8}};
    const auto copies = attach::copy_ranges_in_one_buffer(memory, requests, /*max_bytes_per_read=*/1000);
    CHECK(memory.bad_calls == 0);
    check_copied(copies, 0, region + 3 * page, page);
    check_copied(copies, 1, region, 8);
  }

  TEST_CASE("empty ranges and an empty batch") {
    StrictMemory memory;
    const std::vector<RangeRequest> requests{{region, 0}, {region + 16, 16}};
    const auto copies = attach::copy_ranges_in_one_buffer(memory, requests);
    check_copied(copies, 0, region, 0);
    check_copied(copies, 1, region + 16, 16);
    const auto none = attach::copy_ranges_in_one_buffer(memory, std::vector<RangeRequest>{});
    CHECK(none.size() == 0);
  }

  TEST_CASE("a prepared buffer: as many requests as fit go there, the rest into one more, and every copy is exact") {
    const std::vector<RangeRequest> requests{{region, 0x800}, {region + 0x1003, 0x700}, {region + 2 * page, page},
                                             {region + 4 * page - 0x10, 0x10}};
    for (std::size_t prepared : {std::size_t{0}, std::size_t{0x800}, std::size_t{0xf00}, std::size_t{0x10000}}) {
      CAPTURE(prepared);
      StrictMemory memory;
      const auto copies = attach::copy_ranges_in_one_buffer(memory, requests, attach::CopyBuffer(prepared));
      REQUIRE(copies.size() == requests.size());
      for (std::size_t i = 0; i < requests.size(); ++i) check_copied(copies, i, requests[i].start, requests[i].size);
    }
  }

  TEST_CASE("an unreadable range in the middle, straddling the two buffers: cut short, the rest still read") {
    test::FakeKernel kernel;
    test::FakeMemory memory(kernel);
    memory.add_region(0x10000, 0x1000);
    memory.add_region(0x20000, 0x1000);
    // The second request runs 0x100 bytes past its region; the third starts where nothing is mapped.
    const std::vector<RangeRequest> requests = {
        {0x10000, 0x100}, {0x10f00, 0x200}, {0x18000, 0x40}, {0x20000, 0x80}};
    const auto copies = attach::copy_ranges_in_one_buffer(memory, requests, attach::CopyBuffer(0x200));
    check_copied(copies, 0, 0x10000, 0x100);
    check_copied(copies, 1, 0x10f00, 0x100);
    check_error(copies, 2, EFAULT);
    check_copied(copies, 3, 0x20000, 0x80);
  }

  TEST_CASE("a batch of two_thread_min_bytes or more is read by two threads, each copy exact") {
    // 64 ranges of 256 KiB: 16 MiB, well above the threshold, some in the prepared buffer and the rest in one
    // more.
    constexpr std::uint64_t base = 0x4000'0000;
    constexpr std::size_t each = 256 * 1024;
    constexpr std::size_t count = 64;
    static_assert(count * each >= 2 * attach::RangeCopies::two_thread_min_bytes);
    test::FakeKernel kernel;
    ThreadRecordingMemory memory(kernel);
    memory.fake.add_region(base, count * each);
    std::vector<RangeRequest> requests;
    for (std::size_t i = 0; i < count; ++i) requests.push_back({base + i * each + 8 * i, each - 8 * i});
    const auto copies = attach::copy_ranges_in_one_buffer(memory, requests, attach::CopyBuffer(count * each / 3));
    REQUIRE(copies.size() == count);
    for (std::size_t i = 0; i < count; ++i) check_copied(copies, i, requests[i].start, requests[i].size);
    CHECK(memory.threads().size() == 2);

    // Below the threshold: one thread.
    ThreadRecordingMemory small(kernel);
    small.fake.add_region(base, count * each);
    const std::vector<RangeRequest> few(requests.begin(), requests.begin() + 2);
    static_assert(2 * each < attach::RangeCopies::two_thread_min_bytes);
    const auto some = attach::copy_ranges_in_one_buffer(small, few);
    for (std::size_t i = 0; i < few.size(); ++i) check_copied(some, i, few[i].start, few[i].size);
    CHECK(small.threads().size() == 1);
  }

  TEST_CASE("requests added in several calls, read beside the next add: every copy exact, in either buffer") {
    StrictMemory memory;
    const std::vector<RangeRequest> first{{region, 0x800}, {region + 0x1003, 0x700}};
    const std::vector<RangeRequest> second{{region + 2 * page, page}, {region + 4 * page - 0x10, 0x10}};
    // Room in the prepared buffer for the first call's ranges and a part of the second's.
    attach::RangeCopies copies(attach::CopyBuffer(0x800 + 0x700 + 0x100), 4);
    CHECK(copies.add(first) == 0);
    std::thread reader([&] { copies.read(memory, 0, 2); });
    CHECK(copies.add(second) == 2);
    reader.join();
    copies.read(memory, 2, 4);
    REQUIRE(copies.size() == 4);
    for (std::size_t i = 0; i < first.size(); ++i) check_copied(copies, i, first[i].start, first[i].size);
    for (std::size_t i = 0; i < second.size(); ++i) check_copied(copies, 2 + i, second[i].start, second[i].size);
    CHECK(memory.bad_calls == 0);
  }

  TEST_CASE("more requests than an open batch's capacity: refused whole, the others still read") {
    StrictMemory memory;
    attach::RangeCopies copies(attach::CopyBuffer(), 2);
    const std::vector<RangeRequest> one{{region, 64}};
    const std::vector<RangeRequest> two{{region + 64, 64}, {region + 128, 64}};
    CHECK(copies.add(one) == 0);
    CHECK_THROWS_AS(copies.add(two), std::length_error);
    CHECK(copies.size() == 1);
    copies.read(memory, 0, 1);
    check_copied(copies, 0, region, 64);
    CHECK_THROWS_AS((void)copies.take(1), std::out_of_range);
  }

  TEST_CASE("a prepared buffer too large to be allocated is none: the copy allocates its own") {
    const attach::CopyBuffer none(max_size);
    CHECK(none.size() == 0);
    StrictMemory memory;
    const std::vector<RangeRequest> requests{{region, 64}, {region + page, 16}};
    const auto copies = attach::copy_ranges_in_one_buffer(memory, requests, attach::CopyBuffer(max_size));
    check_copied(copies, 0, region, 64);
    check_copied(copies, 1, region + page, 16);
  }
}
