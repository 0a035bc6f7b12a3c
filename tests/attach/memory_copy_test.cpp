// copy_ranges_in_one_buffer() with a buffer prepared before the freeze: requests fill it in order, what does
// not fit goes into one more buffer, and every copy reads the same either way.
#include <doctest/doctest.h>

#include <cerrno>
#include <vector>

#include "attach/memory_copy.hpp"
#include "fake_process.hpp"

using gmr::attach::CopyBuffer;
using gmr::attach::RangeRequest;
using gmr::test::FakeKernel;
using gmr::test::FakeMemory;

namespace {

/// Each byte of the fake memory is the low byte of its address.
bool holds_its_addresses(const gmr::attach::MemoryCopy& copy, std::size_t size) {
  if (copy.bytes.size() != size) return false;
  for (std::size_t i = 0; i < size; ++i)
    if (copy.bytes[i] != static_cast<std::byte>((copy.start + i) & 0xff)) return false;
  return true;
}

}  // namespace

TEST_SUITE("attach::memory_copy") {
  TEST_CASE("a prepared buffer: as many requests as fit go there, the rest into one more; all copies exact") {
    FakeKernel kernel;
    FakeMemory memory(kernel);
    memory.add_region(0x10000, 0x4000);
    const std::vector<RangeRequest> requests = {{0x10000, 0x800}, {0x11003, 0x700}, {0x12000, 0x1000}, {0x13ff0, 0x10}};
    for (std::size_t prepared : {std::size_t{0}, std::size_t{0x800}, std::size_t{0xf00}, std::size_t{0x10000}}) {
      CAPTURE(prepared);
      const auto copies = gmr::attach::copy_ranges_in_one_buffer(memory, requests, CopyBuffer(prepared));
      REQUIRE(copies.size() == requests.size());
      for (std::size_t i = 0; i < requests.size(); ++i) {
        CAPTURE(i);
        const auto copy = copies.take(i);
        REQUIRE(copy);
        CHECK(copy->start == requests[i].start);
        CHECK(holds_its_addresses(*copy, requests[i].size));
      }
    }
  }

  TEST_CASE("an unreadable range in the middle, straddling the two buffers: cut short, the rest still read") {
    FakeKernel kernel;
    FakeMemory memory(kernel);
    memory.add_region(0x10000, 0x1000);
    memory.add_region(0x20000, 0x1000);
    // The second request runs 0x100 bytes past its region; the third starts where nothing is mapped.
    const std::vector<RangeRequest> requests = {
        {0x10000, 0x100}, {0x10f00, 0x200}, {0x18000, 0x40}, {0x20000, 0x80}};
    const auto copies = gmr::attach::copy_ranges_in_one_buffer(memory, requests, CopyBuffer(0x200));
    const auto first = copies.take(0);
    REQUIRE(first);
    CHECK(holds_its_addresses(*first, 0x100));
    const auto cut = copies.take(1);
    REQUIRE(cut);
    CHECK(holds_its_addresses(*cut, 0x100));
    const auto missing = copies.take(2);
    REQUIRE_FALSE(missing);
    CHECK(missing.error() == EFAULT);
    const auto last = copies.take(3);
    REQUIRE(last);
    CHECK(holds_its_addresses(*last, 0x80));
  }
}
