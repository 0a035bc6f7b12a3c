// RecordingMemory: the page cache the frozen-time step reads through. Each page is fetched once, the
// missing pages of one read in one process_vm_readv call, reads stop where the target's memory or the
// budget stops, and every page fetched comes back as sorted, merged runs.
#include <doctest/doctest.h>

#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <map>
#include <vector>

#include "attach/recording_memory.hpp"

using namespace gmr;

namespace {

constexpr std::uint64_t page = attach::RecordingMemory::page_size;

/// Readable pages at chosen page numbers (each byte the low byte of its address); read_ranges stops at the
/// first unreadable byte, as process_vm_readv does. Records each call's iovec count.
class PageMemory final : public attach::ProcessMemory {
 public:
  std::map<std::uint64_t, bool> readable;  // page number -> readable
  mutable std::vector<std::size_t> calls;  // ranges per call

  void add(std::uint64_t first_page, std::uint64_t count) {
    for (std::uint64_t p = first_page; p < first_page + count; ++p) readable[p] = true;
  }

  std::expected<std::size_t, int> read_ranges(std::span<const iovec> local,
                                              std::span<const iovec> remote) const override {
    calls.push_back(remote.size());
    std::size_t total = 0;
    for (std::size_t i = 0; i < remote.size(); ++i) {
      const auto start = reinterpret_cast<std::uint64_t>(remote[i].iov_base);
      for (std::size_t k = 0; k < remote[i].iov_len; ++k) {
        const std::uint64_t address = start + k;
        if (!readable.contains(address / page)) return total == 0 ? std::expected<std::size_t, int>(std::unexpected(EFAULT)) : total;
        static_cast<std::byte*>(local[i].iov_base)[k] = static_cast<std::byte>(address & 0xff);
        ++total;
      }
    }
    return total;
  }
};

bool holds_target_bytes(std::uint64_t address, std::span<const std::byte> bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i)
    if (bytes[i] != static_cast<std::byte>((address + i) & 0xff)) return false;
  return true;
}

}  // namespace

TEST_SUITE("attach::RecordingMemory") {
  TEST_CASE("a read across pages fetches the missing ones in one call, and each page only once") {
    PageMemory target;
    target.add(0x100, 4);
    attach::RecordingMemory memory(target, 1 << 20);
    std::vector<std::byte> out(2 * page + 100);
    const std::uint64_t at = 0x100 * page + 3000;
    REQUIRE(memory.read(at, out) == out.size());
    CHECK(holds_target_bytes(at, out));
    CHECK(target.calls == std::vector<std::size_t>{3});  // pages 0x100-0x102, one iovec each, one call
    std::vector<std::byte> again(10);
    CHECK(memory.read(0x101 * page + 5, again) == 10);
    CHECK(memory.read(0x100 * page, again) == 10);
    CHECK(target.calls.size() == 1);
    CHECK(holds_target_bytes(0x100 * page, again));
    // Only the pages not yet cached are asked for: 0x103, and 0x104, where the target's memory ends.
    CHECK(memory.read(0x102 * page + 4090, std::span(out).first(page + 100)) == page + 6);
    CHECK(target.calls == std::vector<std::size_t>{3, 2});
    const auto stats = memory.stats();
    CHECK(stats.pages == 4);
    CHECK(stats.unreadable_pages == 1);
    CHECK(stats.read_calls == 2);
    CHECK_FALSE(stats.budget_hit);
  }

  TEST_CASE("a read stops at an unreadable page, which is not asked for again") {
    PageMemory target;
    target.add(0x10, 2);  // 0x12 unreadable
    target.add(0x13, 1);
    attach::RecordingMemory memory(target, 1 << 20);
    std::vector<std::byte> out(3 * page);
    CHECK(memory.read(0x11 * page, out) == page);
    CHECK(holds_target_bytes(0x11 * page, std::span(out).first(page)));
    CHECK(memory.read(0x12 * page + 8, out) == 0);
    CHECK(memory.read(0x11 * page + 100, out) == page - 100);
    CHECK(target.calls == std::vector<std::size_t>{3});  // 0x11 read, 0x12 failed, 0x13 never asked
    CHECK(memory.stats().unreadable_pages == 1);
    CHECK(memory.read(0x13 * page, std::span(out).first(16)) == 16);
    std::vector<std::byte> none(8);
    CHECK(memory.read(0x40 * page, none) == 0);
    CHECK(memory.stats().unreadable_pages == 2);
  }

  TEST_CASE("the budget: pages past it are not fetched, reads stop there, and the stats say so") {
    PageMemory target;
    target.add(0x200, 8);
    attach::RecordingMemory memory(target, 3 * page + 100);  // 3 whole pages
    std::vector<std::byte> out(5 * page);
    CHECK(memory.read(0x200 * page, out) == 3 * page);
    CHECK(memory.stats().budget_hit);
    CHECK(memory.read(0x206 * page, std::span(out).first(8)) == 0);
    CHECK(memory.read(0x201 * page, std::span(out).first(8)) == 8);  // cached pages still read
    CHECK(memory.stats().pages == 3);
    const auto pages = memory.take_pages();
    REQUIRE(pages.size() == 1);
    CHECK(pages[0].start == 0x200 * page);
    CHECK(pages[0].bytes.size() == 3 * page);
  }

  TEST_CASE("take_pages: every page fetched, sorted, adjacent pages merged, each with the target's bytes") {
    PageMemory target;
    target.add(0x50, 3);
    target.add(0x90, 1);
    target.add(0x20, 1);
    attach::RecordingMemory memory(target, 1 << 20);
    std::vector<std::byte> out(8);
    for (std::uint64_t p : {0x90, 0x52, 0x50, 0x20, 0x51}) CHECK(memory.read(p * page + 8, out) == 8);
    const auto pages = memory.take_pages();
    REQUIRE(pages.size() == 3);
    CHECK(pages[0].start == 0x20 * page);
    CHECK(pages[0].bytes.size() == page);
    CHECK(pages[1].start == 0x50 * page);
    CHECK(pages[1].bytes.size() == 3 * page);
    CHECK(pages[2].start == 0x90 * page);
    for (const auto& run : pages) CHECK(holds_target_bytes(run.start, run.bytes));
  }

  TEST_CASE("a read inside memory already copied (the stacks) is answered from the copy and fetches nothing") {
    PageMemory target;
    target.add(0x300, 4);
    // The copy holds other bytes than the target's: what a read returns shows where it came from.
    std::vector<std::byte> stack(2 * page, std::byte{0xab});
    const std::uint64_t copied_at = 0x300 * page + 16;
    std::vector<std::byte> empty;
    attach::RecordingMemory memory(target, 1 << 20, {{copied_at, stack}, {0x302 * page, empty}});
    std::vector<std::byte> out(64);
    CHECK(memory.read(copied_at, out) == out.size());
    CHECK(std::ranges::all_of(out, [](std::byte b) { return b == std::byte{0xab}; }));
    CHECK(memory.read(copied_at + 2 * page - 64, out) == out.size());  // the copy's last bytes
    CHECK(target.calls.empty());
    CHECK(memory.stats().pages == 0);
    // A read running past the copy's end is not the copy's: its pages are fetched and kept.
    CHECK(memory.read(copied_at + 2 * page - 8, out) == out.size());
    CHECK(holds_target_bytes(copied_at + 2 * page - 8, out));
    CHECK(target.calls.size() == 1);
    CHECK(memory.stats().pages == 1);  // page 0x302: the empty copy there counts for nothing
    const auto pages = memory.take_pages();
    REQUIRE(pages.size() == 1);
    CHECK(pages[0].start == 0x302 * page);
  }

  TEST_CASE("a read running past the top of the address space is cut there, not wrapped") {
    PageMemory target;
    const std::uint64_t top_page = std::numeric_limits<std::uint64_t>::max() / page;
    target.add(top_page, 1);
    target.add(0, 1);
    attach::RecordingMemory memory(target, 1 << 20);
    std::vector<std::byte> out(64);
    const std::uint64_t at = std::numeric_limits<std::uint64_t>::max() - 9;
    CHECK(memory.read(at, out) == 10);
    CHECK(memory.stats().pages == 1);
    CHECK(memory.read(0, std::span(out).first(0)) == 0);
  }
}
