#include "attach/signal_stack.hpp"

#include <signal.h>
#include <ucontext.h>

#include <cstddef>
#include <cstring>

#include "attach/base/maps.hpp"

namespace gmr::attach {
namespace {

// x86-64 SysV: leaf functions may use 128 bytes below SP without moving it.
constexpr std::uint64_t red_zone = 128;

// The kernel's ucontext (arch/x86/include/uapi/asm/ucontext.h) is glibc's ucontext_t up to uc_sigmask;
// the rt_sigframe starts with the restorer's address (pretcode), the ucontext follows.
constexpr std::size_t uc_at = sizeof(std::uint64_t);
constexpr std::size_t flags_at = uc_at + offsetof(ucontext_t, uc_flags);
constexpr std::size_t link_at = uc_at + offsetof(ucontext_t, uc_link);
constexpr std::size_t ss_sp_at = uc_at + offsetof(ucontext_t, uc_stack.ss_sp);
constexpr std::size_t ss_flags_at = uc_at + offsetof(ucontext_t, uc_stack.ss_flags);
constexpr std::size_t ss_size_at = uc_at + offsetof(ucontext_t, uc_stack.ss_size);
constexpr std::size_t rsp_at = uc_at + offsetof(ucontext_t, uc_mcontext.gregs) + REG_RSP * sizeof(greg_t);
constexpr std::size_t rip_at = uc_at + offsetof(ucontext_t, uc_mcontext.gregs) + REG_RIP * sizeof(greg_t);
constexpr std::size_t frame_size = rip_at + sizeof(greg_t);

// UC_FP_XSTATE, UC_SIGCONTEXT_SS, UC_STRICT_RESTORE_SS (asm/ucontext.h): all the kernel ever sets.
constexpr std::uint64_t known_uc_flags = 0x1 | 0x2 | 0x4;
// What the kernel saves as ss_flags: the flags sigaltstack() was given (SS_AUTODISARM, 1 << 31 in
// linux/signal.h, which glibc's headers lack; or none); kernels before 4.7 saved SS_ONSTACK when the
// interrupted SP was already on it.
constexpr std::uint32_t ss_autodisarm = 1u << 31;
constexpr std::uint32_t known_ss_flags = SS_ONSTACK | ss_autodisarm;

std::uint64_t word_at(std::span<const std::byte> bytes, std::size_t offset) {
  std::uint64_t word = 0;
  std::memcpy(&word, bytes.data() + offset, sizeof word);
  return word;
}

std::uint32_t u32_at(std::span<const std::byte> bytes, std::size_t offset) {
  std::uint32_t value = 0;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

bool mapped(const std::vector<MapRange>& ranges, std::uint64_t address) { return find_range(ranges, address) != nullptr; }

}  // namespace

std::optional<std::uint64_t> interrupted_sp_below_altstack(std::uint64_t sp, std::uint64_t copy_start,
                                                           std::span<const std::byte> copy,
                                                           const std::vector<MapRange>& ranges) {
  if (sp < copy_start || copy.size() < frame_size) return std::nullopt;
  // The kernel places the frame at a 16-byte boundary minus 8 (as if called): 8-byte steps cover it.
  std::size_t offset = (sp - copy_start + 7) & ~std::size_t{7};
  for (; offset + frame_size <= copy.size(); offset += 8) {
    // The two cheapest tests first: they reject nearly every word of an ordinary stack.
    if (word_at(copy, offset + link_at) != 0) continue;
    if ((word_at(copy, offset + flags_at) & ~known_uc_flags) != 0) continue;
    const std::uint64_t frame = copy_start + offset;
    const std::uint64_t alt_start = word_at(copy, offset + ss_sp_at);
    const std::uint64_t alt_size = word_at(copy, offset + ss_size_at);
    if (alt_size == 0 || alt_start > sp || sp - alt_start >= alt_size) continue;
    if (frame < alt_start || frame - alt_start >= alt_size) continue;
    if ((u32_at(copy, offset + ss_flags_at) & ~known_ss_flags) != 0) continue;
    const std::uint64_t interrupted_sp = word_at(copy, offset + rsp_at);
    if (interrupted_sp >= alt_start && interrupted_sp - alt_start <= alt_size) continue;  // a nested signal's frame
    if (!mapped(ranges, interrupted_sp) || !mapped(ranges, word_at(copy, offset + rip_at))) continue;
    if (!mapped(ranges, word_at(copy, offset))) continue;  // the restorer
    return interrupted_sp;
  }
  return std::nullopt;
}

std::optional<StackRange> stack_range(std::uint64_t sp, const std::vector<MapRange>& ranges, std::size_t max_stack) {
  const MapRange* m = find_range(ranges, sp);
  if (m == nullptr) return std::nullopt;
  const std::uint64_t start = sp - m->start >= red_zone ? sp - red_zone : m->start;
  // Compared, not added: start + max_stack wraps past 2^64 for an absurd max_stack.
  const std::uint64_t end = m->end - start <= max_stack ? m->end : start + max_stack;
  return StackRange{{start, static_cast<std::size_t>(end - start)}, end < m->end};
}

std::optional<StackRange> thread_stack_range(std::uint64_t sp, std::uint64_t thread_pointer,
                                             const std::vector<MapRange>& ranges, std::size_t max_stack) {
  auto stack = stack_range(sp, ranges, max_stack);
  if (!stack) return stack;
  RangeRequest& range = stack->range;
  if (thread_pointer > sp && thread_pointer - range.start < range.size) {
    range.size = static_cast<std::size_t>(thread_pointer - range.start);
    stack->truncated = false;
  }
  return stack;
}

}  // namespace gmr::attach
