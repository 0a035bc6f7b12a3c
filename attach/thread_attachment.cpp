#include "attach/thread_attachment.hpp"

#include <utility>

namespace gmr::attach {

ThreadAttachment::ThreadAttachment(ThreadAttachment&& other) noexcept
    : kernel_(other.kernel_),
      tid_(other.tid_),
      stop_kind_(other.stop_kind_),
      pending_signal_(other.pending_signal_),
      exited_(other.exited_),
      released_(std::exchange(other.released_, true)) {}

void ThreadAttachment::mark_stopped(StopKind kind, std::optional<int> signal) {
  if (stop_kind_) return;  // one ptrace stop at a time: the thread does not run again until released
  stop_kind_ = kind;
  pending_signal_ = signal;
}

void ThreadAttachment::release() {
  if (released_) return;
  released_ = true;
  if (exited_ || !stop_kind_) return;
  // ESRCH here means the thread was killed (SIGKILL) while held: nothing to hand back.
  kernel_->detach(tid_, pending_signal_.value_or(0));
}

}  // namespace gmr::attach
