// SnapshotMemory: the Snapshot's copies (stacks, the frozen-time step's pages, the vDSO) as one memory.
// Reads cross from one copy into an adjacent one, stop where no copy holds the next byte, and never
// reach the process or a file.
#include <doctest/doctest.h>

#include <vector>

#include "symbolize/snapshot_memory.hpp"

using namespace gmr;

namespace {

attach::MemoryCopy copy_at(std::uint64_t start, std::size_t size) {
  attach::MemoryCopy copy;
  copy.start = start;
  for (std::size_t i = 0; i < size; ++i) copy.bytes.push_back(static_cast<std::byte>((start + i) & 0xff));
  return copy;
}

bool holds_target_bytes(std::uint64_t address, std::span<const std::byte> bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i)
    if (bytes[i] != static_cast<std::byte>((address + i) & 0xff)) return false;
  return true;
}

}  // namespace

TEST_SUITE("symbolize::SnapshotMemory") {
  TEST_CASE("stacks, interpreter pages and the vDSO: reads within, across adjacent copies, and past the end") {
    attach::Snapshot snap;
    attach::ThreadSnapshot a, b;
    a.stack = copy_at(0x7000'1f80, 0x1080);  // SP - 128 up to 0x7000'3000
    b.stack = copy_at(0x7100'0000, 0x100);
    snap.threads = {a, b};
    snap.interpreter_memory = {copy_at(0x5000'0000, 0x2000), copy_at(0x7000'1000, 0x2000)};  // overlaps a's stack
    snap.vdso = copy_at(0x7fff'0000, 0x1000);
    const symbolize::SnapshotMemory memory(snap);

    std::vector<std::byte> out(0x3000);
    CHECK(memory.read(0x5000'0000, std::span(out).first(16)) == 16);
    CHECK(holds_target_bytes(0x5000'0000, std::span(out).first(16)));
    CHECK(memory.read(0x5000'1ff8, std::span(out).first(16)) == 8);  // the copy ends there
    // 0x7000'1000-0x7000'3000 from the pages, then the stack's part past them up to 0x7000'3000: one range.
    CHECK(memory.read(0x7000'1000, out) == 0x2000);
    CHECK(holds_target_bytes(0x7000'1000, std::span(out).first(0x2000)));
    CHECK(memory.read(0x7000'2ff0, std::span(out).first(32)) == 16);
    CHECK(memory.read(0x7100'00f0, std::span(out).first(32)) == 16);
    CHECK(memory.read(0x7fff'0ff8, std::span(out).first(8)) == 8);
    CHECK(memory.read(0x6000'0000, std::span(out).first(8)) == 0);
    CHECK(memory.read(0, std::span(out).first(8)) == 0);
  }

  TEST_CASE("copies that touch join into one readable range, nested copies add nothing") {
    attach::Snapshot snap;
    snap.interpreter_memory = {copy_at(0x1000, 0x1000), copy_at(0x2000, 0x1000)};
    attach::ThreadSnapshot t;
    t.stack = copy_at(0x1800, 0x100);  // inside the first page
    snap.threads = {t};
    const symbolize::SnapshotMemory memory(snap);
    std::vector<std::byte> out(0x3000);
    CHECK(memory.read(0x1000, out) == 0x2000);
    CHECK(holds_target_bytes(0x1000, std::span(out).first(0x2000)));
  }
}
