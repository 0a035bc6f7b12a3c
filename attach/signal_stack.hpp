// Threads interrupted by a signal whose handler runs on an alternate stack (sigaltstack + SA_ONSTACK):
// their SP is in the alternate stack, so the stack copy (SP's mapping) ends at the signal frame, and the
// frames of the interrupted code live on the thread's own stack, somewhere else. The kernel saves the
// interrupted registers in the ucontext of the signal frame (x86-64 struct rt_sigframe: the restorer's
// address, then the ucontext); capture() finds that frame in the first copy while the target is still
// frozen and copies the interrupted stack too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "attach/memory_copy.hpp"
#include "attach/proc_parse.hpp"

namespace gmr::attach {

/// The stack pointer the outermost signal frame on an alternate stack saved, from a thread's stack copy
/// (`copy`, starting at target address `copy_start`, SP `sp` in it). A signal frame is recognised by the
/// kernel's layout: uc_flags only UC_FP_XSTATE / UC_SIGCONTEXT_SS / UC_STRICT_RESTORE_SS, uc_link null,
/// uc_stack naming an alternate stack that holds both SP and the frame itself, a restorer and an
/// interrupted pc in mapped memory, and an interrupted SP in mapped memory outside the alternate stack
/// (frames of nested signals on the same alternate stack saved an SP inside it). Absent when there is none.
std::optional<std::uint64_t> interrupted_sp_below_altstack(std::uint64_t sp, std::uint64_t copy_start,
                                                           std::span<const std::byte> copy,
                                                           const std::vector<MapRange>& ranges);

/// A stack to copy: from SP - red zone (not below SP's mapping) to the end of that mapping, at most
/// `max_stack` bytes; `truncated` when the cap cut it short of the mapping's end.
struct StackRange {
  RangeRequest range;
  bool truncated = false;
};
/// Absent when SP is in no mapping.
std::optional<StackRange> stack_range(std::uint64_t sp, const std::vector<MapRange>& ranges, std::size_t max_stack);

/// A stopped thread's stack: stack_range(), ended at its thread pointer (x86-64 fs_base) when that lies above
/// SP inside the range. glibc and musl put a thread's control block (struct pthread, at the thread pointer)
/// and its static TLS block (just below it) at the top of the thread's stack mapping, and the thread's first
/// frame below them, so no frame lies at or above the thread pointer; the control block alone is about 2.3 KiB
/// of the 5.3 KiB a sleeping thread 20 frames deep copies. Not `truncated` when the end moved below max_stack's
/// cap. A thread pointer elsewhere (a main thread's, in its heap; a runtime's own) leaves the range as it is.
std::optional<StackRange> thread_stack_range(std::uint64_t sp, std::uint64_t thread_pointer,
                                             const std::vector<MapRange>& ranges, std::size_t max_stack);

}  // namespace gmr::attach
