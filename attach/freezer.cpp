#include "attach/freezer.hpp"

#include <cerrno>
#include <cstring>
#include <string>

namespace gmr::attach {
namespace {

AttachError error(AttachErrorKind kind, std::string message, std::optional<int> err = std::nullopt) {
  AttachError e;
  e.kind = kind;
  e.message = std::move(message);
  e.errno_value = err;
  return e;
}

AttachError wait_failed(pid_t pid, int err) {
  return error(AttachErrorKind::system,
               std::string("waiting for the threads of process ") + std::to_string(pid) +
                   " to stop failed: " + std::strerror(err),
               err);
}

AttachError interrupted(pid_t pid, int signal) {
  AttachError e = error(AttachErrorKind::interrupted, std::string("interrupted by ") + sigabbrev_np(signal) +
                                                          " while attached; process " + std::to_string(pid) +
                                                          " was let go");
  e.signal = signal;
  return e;
}

}  // namespace

std::expected<void, AttachError> Freezer::freeze(Deadline deadline) {
  if (auto r = seize_all(); !r) return r;
  if (auto r = interrupt_all(); !r) return r;
  if (auto r = wait_for_stops(deadline); !r) return r;
  // Waiting looks at gmr's termination signals only when it sleeps; one sent while the freeze never had to
  // is taken now, before anything is copied.
  if (auto sig = kernel_.termination_signal()) return std::unexpected(interrupted(pid_, *sig));
  return {};
}

void Freezer::release() {
  for (ThreadAttachment* thread : order_) thread->release();
}

ThreadAttachment& Freezer::hold(pid_t tid) {
  auto [it, inserted] = threads_.try_emplace(tid, kernel_, tid);
  if (inserted) {
    order_.push_back(&it->second);
    waiting_.push_back(tid);
  }
  return it->second;
}

std::expected<void, AttachError> Freezer::seize_all() {
  for (;;) {
    bool found_new = false;
    for (pid_t tid : kernel_.list_threads(pid_)) {
      if (threads_.contains(tid) || gone_.contains(tid)) continue;
      found_new = true;
      if (auto r = seize_one(tid); !r) return r;
    }
    if (!found_new) break;
  }
  if (threads_.empty())
    return std::unexpected(error(AttachErrorKind::no_such_process,
                                 "process " + std::to_string(pid_) + " exited before gmr could attach"));
  return {};
}

std::expected<void, AttachError> Freezer::seize_one(pid_t tid) {
  // An execve from a non-leader thread: until its hand-over ends, the leader's tid names the old leader, a
  // zombie (PTRACE_SEIZE: EPERM), while /proc/TID/status may already show the exec'ing thread, live and
  // untraced. So EPERM on a live, untraced thread is asked again before it counts as a refusal.
  constexpr int attempts = 3;
  for (int attempt = 1;; ++attempt) {
    const int err = kernel_.seize(tid);
    if (err == 0) {
      if (!first_seize_) first_seize_ = std::chrono::steady_clock::now();
      hold(tid);
      seized_.push_back(tid);
      return {};
    }
    if (err == ESRCH) {
      gone_.insert(tid);
      return {};
    }
    if (err != EPERM)
      return std::unexpected(error(AttachErrorKind::system,
                                   "PTRACE_SEIZE of thread " + std::to_string(tid) + " failed: " + std::strerror(err),
                                   err));
    const ThreadLiveness l = kernel_.liveness(tid);
    if (!l.exists || l.state == 'Z' || l.state == 'X') {
      gone_.insert(tid);
      return {};
    }
    if (l.tracer_pid == kernel_.tracer_id()) {
      // Born from a thread seized a moment ago: auto-attached by TRACECLONE, already headed for a stop.
      hold(tid);
      return {};
    }
    if (l.tracer_pid != 0) {
      AttachError e = error(AttachErrorKind::already_traced,
                            "process " + std::to_string(pid_) + " is already traced by pid " +
                                std::to_string(l.tracer_pid) + " (a debugger or another tracer): detach it first",
                            EPERM);
      e.tracer_pid = l.tracer_pid;
      return std::unexpected(e);
    }
    if (attempt == attempts)
      return std::unexpected(error(AttachErrorKind::permission_denied,
                                   "permission denied to trace process " + std::to_string(pid_), EPERM));
  }
}

std::expected<void, AttachError> Freezer::interrupt_all() {
  if (!seized_.empty()) first_interrupt_ = std::chrono::steady_clock::now();
  // Between interrupts, the stops that have come in are taken from the front: every interrupted thread
  // must be scheduled to enter its stop, and interrupting thousands back to back leaves the tracer thread
  // queued behind them all (on 2 CPUs under load, 10,000 threads took up to 500 ms to stop that way,
  // against 70-90 ms when each interrupt was followed by a look).
  for (std::size_t i = 0; i < seized_.size(); ++i) {
    // ESRCH: the thread is dying; its exit is reported by wait. A thread auto-attached by TRACECLONE is not
    // in seized_: it stops by itself.
    kernel_.interrupt(seized_[i]);
    if (auto r = take_stopped_front(seized_[i]); !r) return r;
  }
  return {};
}

std::expected<void, AttachError> Freezer::take_stopped_front(pid_t newest) {
  while (!waiting_.empty() && waiting_.front() != newest) {
    ThreadAttachment& front = threads_.at(waiting_.front());
    if (settled(front)) {
      waiting_.pop_front();
      continue;
    }
    const WaitResult r = kernel_.wait_for(front.tid());
    if (r.kind == WaitResult::Kind::event) {
      on_event(r.tid, r.status);
    } else if (r.kind == WaitResult::Kind::gone) {
      front.mark_exited();
    } else if (r.kind == WaitResult::Kind::error) {
      return std::unexpected(wait_failed(pid_, r.error));
    } else {
      return {};
    }
  }
  return {};
}

std::expected<void, AttachError> Freezer::wait_for_stops(Deadline deadline) {
  // Interrupts went out in seize order and the stops come in about that order: the thread at the front is
  // asked for its stop (one O(1) wait); when it has none yet, gmr sleeps until a tracee changes state and
  // asks the front again. So each thread costs one wait, plus one per wake-up.
  std::size_t stuck = 0;  // threads moved to the back since anything was last taken
  while (!waiting_.empty()) {
    ThreadAttachment& front = threads_.at(waiting_.front());
    if (settled(front)) {
      waiting_.pop_front();
      continue;
    }
    const WaitResult r = kernel_.wait_for(front.tid());
    if (r.kind == WaitResult::Kind::event) {
      // Usually the front's own; another thread's when the kernel reaped one for the tracer.
      on_event(r.tid, r.status);
      stuck = 0;
      continue;
    }
    if (r.kind == WaitResult::Kind::gone) {
      // Reaped elsewhere, or an exec from this thread gave it the leader's tid: it is not coming back.
      front.mark_exited();
      stuck = 0;
      continue;
    }
    if (r.kind == WaitResult::Kind::error) return std::unexpected(wait_failed(pid_, r.error));

    const WaitResult slept = kernel_.sleep(deadline);
    if (slept.kind == WaitResult::Kind::deadline) return {};
    if (slept.kind == WaitResult::Kind::signal) return std::unexpected(interrupted(pid_, slept.signal));
    if (slept.kind != WaitResult::Kind::quiet) continue;
    // Nothing changed for a while: the front may never stop (uninterruptible sleep; an exec waiting for its
    // killed siblings to be reaped). It goes to the back so the threads behind it are taken.
    waiting_.push_back(waiting_.front());
    waiting_.pop_front();
    if (++stuck < waiting_.size()) continue;
    // Every thread still waited for is stuck. Events of threads no longer asked about (a stopped thread
    // killed; every other thread killed by exec's de_thread(), which waits to see them reaped) come only
    // through the kernel's walk over all tracees: once per such quiet slice.
    auto taken = take_any_events();
    if (!taken) return std::unexpected(taken.error());
    if (*taken) stuck = 0;
  }
  return {};
}

std::expected<bool, AttachError> Freezer::take_any_events() {
  bool found = false;
  for (;;) {
    const WaitResult r = kernel_.wait_any();
    if (r.kind == WaitResult::Kind::error) return std::unexpected(wait_failed(pid_, r.error));
    if (r.kind != WaitResult::Kind::event) return found;
    on_event(r.tid, r.status);
    found = true;
  }
}

void Freezer::on_event(pid_t tid, WaitStatus status) {
  // A tid never seen: a thread auto-attached by TRACECLONE whose first stop beat its parent's clone event.
  ThreadAttachment& thread = hold(tid);
  using Kind = WaitStatus::Kind;
  const Kind kind = status.kind();
  if (kind == Kind::clone_event || kind == Kind::group_stop || kind == Kind::signal_stop) stopped_on_its_own_ = true;
  switch (kind) {
    case Kind::exited:
    case Kind::killed:
      thread.mark_exited();
      break;
    case Kind::clone_event:
      if (auto child = kernel_.clone_child(tid)) hold(*child);
      thread.mark_stopped(StopKind::clone_event);
      break;
    case Kind::group_stop:
      thread.mark_stopped(StopKind::group_stop);
      break;
    case Kind::interrupt_stop:
    case Kind::other_event:
      thread.mark_stopped(StopKind::interrupt);
      break;
    case Kind::signal_stop:
      // A real signal won the race. Kept, and handed back on release.
      thread.mark_stopped(StopKind::signal_delivery, status.stop_signal());
      break;
    case Kind::other:
      break;
  }
}

}  // namespace gmr::attach
