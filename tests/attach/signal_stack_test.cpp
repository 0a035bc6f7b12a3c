// attach/signal_stack: finding the signal frame a handler on an alternate stack runs above, in a
// hand-made stack copy laid out as the x86-64 kernel lays out struct rt_sigframe.
#include <doctest/doctest.h>

#include <signal.h>
#include <ucontext.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

#include "attach/signal_stack.hpp"

namespace {

using namespace gmr::attach;

constexpr std::uint64_t alt_start = 0x7f0000100000;  // the alternate stack: 64 KiB
constexpr std::uint64_t alt_size = 0x10000;
constexpr std::uint64_t own_stack = 0x7ffd00000000;  // the thread's own stack: 1 MiB
constexpr std::uint64_t code = 0x555500001000;       // text: the restorer and the interrupted code

const std::vector<MapRange> ranges = {
    {code, code + 0x10000, false},
    {alt_start, alt_start + alt_size, false},
    {own_stack, own_stack + 0x100000, false},
};

/// The alternate stack's bytes from `sp` (the handler's SP) to its end, with an rt_sigframe at `frame`.
struct AltStack {
  std::uint64_t sp = alt_start + 0x8000;
  std::uint64_t frame = alt_start + alt_size - 0x1000 - 8;
  std::vector<std::byte> bytes = std::vector<std::byte>(alt_start + alt_size - sp);

  void put(std::uint64_t address, std::uint64_t value) { std::memcpy(&bytes[address - sp], &value, sizeof value); }
  void put_frame(std::uint64_t at, std::uint64_t interrupted_sp, std::uint64_t uc_flags = 0x6, std::uint32_t ss_flags = 0) {
    put(at, code + 0x10);  // pretcode: the restorer
    put(at + 8 + offsetof(ucontext_t, uc_flags), uc_flags);
    put(at + 8 + offsetof(ucontext_t, uc_link), 0);
    put(at + 8 + offsetof(ucontext_t, uc_stack.ss_sp), alt_start);
    std::memcpy(&bytes[at + 8 + offsetof(ucontext_t, uc_stack.ss_flags) - sp], &ss_flags, sizeof ss_flags);
    put(at + 8 + offsetof(ucontext_t, uc_stack.ss_size), alt_size);
    put(at + 8 + offsetof(ucontext_t, uc_mcontext.gregs) + REG_RSP * 8, interrupted_sp);
    put(at + 8 + offsetof(ucontext_t, uc_mcontext.gregs) + REG_RIP * 8, code + 0x200);
  }
  std::optional<std::uint64_t> find() const { return interrupted_sp_below_altstack(sp, sp, bytes, ranges); }
};

}  // namespace

TEST_SUITE("attach::signal_stack") {

TEST_CASE("the interrupted SP saved in a signal frame on the alternate stack") {
  AltStack alt;
  alt.put_frame(alt.frame, own_stack + 0x80000);
  CHECK(alt.find() == own_stack + 0x80000);
  SUBCASE("SS_AUTODISARM (1 << 31) saved as the flags") {
    alt.put_frame(alt.frame, own_stack + 0x80000, 0x7, 1u << 31);
    CHECK(alt.find() == own_stack + 0x80000);
  }
  SUBCASE("nested signals on the same alternate stack: the outermost frame's SP") {
    alt.put_frame(alt.frame - 0x2000, alt.frame - 0x100);  // interrupted the first handler, on the alt stack
    CHECK(alt.find() == own_stack + 0x80000);
  }
}

TEST_CASE("no signal frame: an ordinary stack, or words that only look like part of one") {
  AltStack alt;
  CHECK(!alt.find().has_value());  // all zeros
  SUBCASE("unknown uc_flags") {
    alt.put_frame(alt.frame, own_stack + 0x80000, 0x10);
    CHECK(!alt.find().has_value());
  }
  SUBCASE("a uc_stack that does not hold SP") {
    alt.put_frame(alt.frame, own_stack + 0x80000);
    alt.put(alt.frame + 8 + offsetof(ucontext_t, uc_stack.ss_sp), alt.frame - 0x10);
    CHECK(!alt.find().has_value());
  }
  SUBCASE("an interrupted SP in no mapping") {
    alt.put_frame(alt.frame, 0x1000);
    CHECK(!alt.find().has_value());
  }
  SUBCASE("a copy too short to hold a frame") {
    alt.put_frame(alt.frame, own_stack + 0x80000);
    CHECK(!interrupted_sp_below_altstack(alt.sp, alt.sp, std::span(alt.bytes).first(64), ranges).has_value());
  }
}

TEST_CASE("stack_range: from SP - red zone to the end of SP's mapping, capped") {
  const auto whole = stack_range(own_stack + 0x80000, ranges, 1 << 20);
  REQUIRE(whole.has_value());
  CHECK(whole->range.start == own_stack + 0x80000 - 128);
  CHECK(whole->range.size == 0x80000 + 128);
  CHECK(!whole->truncated);
  const auto capped = stack_range(own_stack + 0x80000, ranges, 4096);
  REQUIRE(capped.has_value());
  CHECK(capped->range.size == 4096);
  CHECK(capped->truncated);
  const auto absurd = stack_range(own_stack + 0x80000, ranges, SIZE_MAX);  // start + max_stack would wrap
  REQUIRE(absurd.has_value());
  CHECK(absurd->range.size == 0x80000 + 128);
  CHECK(!absurd->truncated);
  const auto at_start = stack_range(own_stack + 8, ranges, 1 << 20);
  REQUIRE(at_start.has_value());
  CHECK(at_start->range.start == own_stack);
  CHECK(!stack_range(0x1000, ranges, 4096).has_value());
}

TEST_CASE("thread_stack_range: ended at the thread pointer when it lies above SP in the copied range") {
  const std::uint64_t sp = own_stack + 0x80000;
  const std::uint64_t tcb = own_stack + 0xff000;  // where glibc puts a thread's control block
  const auto ended = thread_stack_range(sp, tcb, ranges, 1 << 20);
  REQUIRE(ended.has_value());
  CHECK(ended->range.start == sp - 128);
  CHECK(ended->range.size == tcb - (sp - 128));
  CHECK(!ended->truncated);
  // max_stack would cut the mapping short, but not the bytes below the thread pointer: nothing is missing.
  const auto within_cap = thread_stack_range(sp, tcb, ranges, 0x7f100);
  REQUIRE(within_cap.has_value());
  CHECK(within_cap->range.size == tcb - (sp - 128));
  CHECK(!within_cap->truncated);
  // The thread pointer past max_stack's cap: capped as stack_range() caps.
  const auto capped = thread_stack_range(sp, tcb, ranges, 4096);
  REQUIRE(capped.has_value());
  CHECK(capped->range.size == 4096);
  CHECK(capped->truncated);
  // A thread pointer below SP, at SP, in another mapping or in none (a main thread's, in its heap): the
  // mapping's end, as stack_range() gives it.
  for (std::uint64_t elsewhere : {own_stack + 0x1000, sp, alt_start + 0x100, std::uint64_t{0x1000}, std::uint64_t{0}}) {
    CAPTURE(elsewhere);
    const auto whole = thread_stack_range(sp, elsewhere, ranges, 1 << 20);
    REQUIRE(whole.has_value());
    CHECK(whole->range.start == sp - 128);
    CHECK(whole->range.size == 0x80000 + 128);
    CHECK(!whole->truncated);
  }
  CHECK(!thread_stack_range(0x1000, tcb, ranges, 4096).has_value());
}

}  // TEST_SUITE
