#include "attach/copy_estimate.hpp"

#include <sys/user.h>

#include "attach/proc_parse.hpp"
#include "attach/signal_stack.hpp"
#include "attach/wait_memory.hpp"

namespace gmr::attach {

std::size_t estimate_copy_bytes(const std::vector<ThreadFacts>& threads, const std::vector<MapRange>& ranges,
                                std::size_t max_stack) {
  std::size_t known = 0, known_bytes = 0, other_bytes = 0;
  for (const ThreadFacts& f : threads) {
    if (!f.syscall || !f.syscall->sp) continue;
    if (auto stack = stack_range(*f.syscall->sp, ranges, max_stack)) {
      ++known;
      known_bytes += stack->range.size;
    }
    if (!f.syscall->number) continue;
    user_regs_struct regs{};
    regs.orig_rax = static_cast<unsigned long long>(*f.syscall->number);
    regs.rdi = f.syscall->args[0];
    regs.rsi = f.syscall->args[1];
    regs.rdx = f.syscall->args[2];
    regs.r10 = f.syscall->args[3];
    regs.r8 = f.syscall->args[4];
    regs.r9 = f.syscall->args[5];
    regs.rsp = *f.syscall->sp;
    if (auto words = syscall_memory_request(regs)) other_bytes += words->size;
  }
  const std::size_t per_unknown = known > 0 ? known_bytes / known : 8 * 1024;
  for (const MapRange& m : ranges)
    if (m.vdso) other_bytes += m.end - m.start;
  const std::size_t bytes = known_bytes + (threads.size() - known) * per_unknown + other_bytes;
  return bytes + bytes / 32 + 256 * 1024;
}

}  // namespace gmr::attach
