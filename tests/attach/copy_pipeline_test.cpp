// CopyPipeline: requests pushed in chunks are read by a helper thread while more are pushed, and by both
// threads at the end; every request is read exactly once, a small batch starts no thread, and a failure on
// either thread reaches the caller.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "attach/copy_pipeline.hpp"
#include "fake_process.hpp"

using namespace gmr;
using attach::RangeRequest;

namespace {

constexpr std::uint64_t base = 0x4000'0000;
constexpr std::size_t each = 4096;

/// FakeMemory counting the bytes asked for at each address and the threads asking; a read that touches
/// `poisoned` throws.
class CountingMemory final : public attach::ProcessMemory {
 public:
  explicit CountingMemory(std::size_t ranges) : fake(kernel) { fake.add_region(base, ranges * each); }
  test::FakeKernel kernel;
  test::FakeMemory fake;
  std::uint64_t poisoned = 0;

  std::expected<std::size_t, int> read_ranges(std::span<const iovec> local,
                                              std::span<const iovec> remote) const override {
    {
      std::lock_guard lock(mutex_);
      threads_.insert(std::this_thread::get_id());
      for (const iovec& r : remote) {
        const auto at = reinterpret_cast<std::uint64_t>(r.iov_base);
        if (poisoned != 0 && at <= poisoned && poisoned < at + r.iov_len) throw std::runtime_error("poisoned read");
        asked_[at] += r.iov_len;
      }
    }
    return fake.read_ranges(local, remote);
  }
  std::set<std::thread::id> threads() const {
    std::lock_guard lock(mutex_);
    return threads_;
  }
  std::map<std::uint64_t, std::size_t> asked() const {
    std::lock_guard lock(mutex_);
    return asked_;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::set<std::thread::id> threads_;
  mutable std::map<std::uint64_t, std::size_t> asked_;
};

std::vector<RangeRequest> ranges(std::size_t first, std::size_t end) {
  std::vector<RangeRequest> out;
  for (std::size_t i = first; i < end; ++i) out.push_back({base + i * each + 8, each - 8});
  return out;
}

void check_all_copied(const attach::RangeCopies& copies, std::size_t count) {
  REQUIRE(copies.size() == count);
  for (std::size_t i = 0; i < count; ++i) {
    CAPTURE(i);
    const auto copy = copies.take(i);
    REQUIRE(copy);
    CHECK(copy->start == base + i * each + 8);
    REQUIRE(copy->bytes.size() == each - 8);
    for (std::size_t k = 0; k < copy->bytes.size(); ++k)
      if (copy->bytes[k] != static_cast<std::byte>((copy->start + k) & 0xff)) FAIL("byte ", k, " differs");
  }
}

}  // namespace

TEST_SUITE("attach::copy_pipeline") {
  TEST_CASE("chunks pushed while more are made, then finish: each request read once, whole, in its place") {
    constexpr std::size_t count = 40 * 16;
    CountingMemory memory(count);
    // The prepared buffer holds a third: the rest goes into one allocation per chunk.
    attach::RangeCopies copies(attach::CopyBuffer(count * each / 3), count);
    {
      attach::CopyPipeline pipeline(memory, copies);
      for (std::size_t chunk = 0; chunk + 1 < 40; ++chunk) pipeline.push(ranges(chunk * 16, chunk * 16 + 16));
      pipeline.finish(ranges(39 * 16, count));
    }
    check_all_copied(copies, count);
    const auto asked = memory.asked();
    CHECK(asked.size() == count);
    for (const auto& [address, bytes] : asked) {
      CAPTURE(address);
      CHECK(bytes == each - 8);
    }
    CHECK(memory.threads().size() <= 2);
  }

  TEST_CASE("nothing pushed before finish: read on the calling thread alone, no thread started") {
    CountingMemory memory(8);
    attach::RangeCopies copies(attach::CopyBuffer(8 * each), 8);
    attach::CopyPipeline pipeline(memory, copies);
    pipeline.finish(ranges(0, 8));
    check_all_copied(copies, 8);
    CHECK(memory.threads() == std::set<std::thread::id>{std::this_thread::get_id()});
  }

  TEST_CASE("an empty batch, and an empty push, read nothing") {
    CountingMemory memory(1);
    attach::RangeCopies copies(attach::CopyBuffer(), 4);
    attach::CopyPipeline pipeline(memory, copies);
    pipeline.push({});
    pipeline.finish();
    CHECK(copies.size() == 0);
    CHECK(memory.asked().empty());
  }

  TEST_CASE("a read that throws, on either thread, is rethrown by finish") {
    for (std::size_t poisoned : {std::size_t{3}, std::size_t{60}}) {  // in a pushed chunk, in the last one
      CAPTURE(poisoned);
      CountingMemory memory(64);
      memory.poisoned = base + poisoned * each + 100;
      attach::RangeCopies copies(attach::CopyBuffer(), 64);
      attach::CopyPipeline pipeline(memory, copies);
      pipeline.push(ranges(0, 16));
      pipeline.push(ranges(16, 32));
      CHECK_THROWS_WITH_AS(pipeline.finish(ranges(32, 64)), "poisoned read", std::runtime_error);
    }
  }

  TEST_CASE("a pipeline left without finish (an exception on the caller's side) waits for its helper") {
    CountingMemory memory(64);
    attach::RangeCopies copies(attach::CopyBuffer(), 64);
    {
      attach::CopyPipeline pipeline(memory, copies);
      pipeline.push(ranges(0, 32));
    }
    // The helper read what was queued before the pipeline went: nothing reads into `copies` any more.
    const auto asked = memory.asked();
    CHECK(asked.size() == 32);
  }
}
