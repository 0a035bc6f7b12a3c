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

}  // namespace

std::expected<void, AttachError> Freezer::freeze(Deadline deadline) {
  if (auto r = seize_all(); !r) return r;
  return wait_for_stops(deadline);
}

void Freezer::release() {
  for (auto& [tid, thread] : threads_) thread.release();
}

ThreadAttachment& Freezer::hold(pid_t tid) {
  return threads_.try_emplace(tid, kernel_, tid).first->second;
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
      hold(tid);
      if (!first_interrupt_) first_interrupt_ = std::chrono::steady_clock::now();
      // ESRCH: the thread is dying; its exit is reported by wait.
      kernel_.interrupt(tid);
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

bool Freezer::all_settled() const {
  for (const auto& [tid, thread] : threads_)
    if (!thread.stopped() && !thread.exited()) return false;
  return true;
}

std::expected<void, AttachError> Freezer::wait_for_stops(Deadline deadline) {
  while (!all_settled()) {
    const WaitResult r = kernel_.wait(deadline);
    if (r.kind == WaitResult::Kind::deadline) return {};
    if (r.kind == WaitResult::Kind::error)
      return std::unexpected(error(AttachErrorKind::system,
                                   std::string("waiting for the threads of process ") + std::to_string(pid_) +
                                       " to stop failed: " + std::strerror(r.error),
                                   r.error));
    if (r.kind == WaitResult::Kind::signal) {
      AttachError e = error(AttachErrorKind::interrupted,
                            std::string("interrupted by ") + sigabbrev_np(r.signal) +
                                " while attached; process " + std::to_string(pid_) + " was let go");
      e.signal = r.signal;
      return std::unexpected(e);
    }
    on_event(r.tid, r.status);
  }
  return {};
}

void Freezer::on_event(pid_t tid, WaitStatus status) {
  // A tid never seen: a thread auto-attached by TRACECLONE whose first stop beat its parent's clone event.
  ThreadAttachment& thread = hold(tid);
  using Kind = WaitStatus::Kind;
  switch (status.kind()) {
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
