#include "report/render/lock_text.hpp"

#include <vector>

#include "report/render/format.hpp"
#include "report/render/thread_reference.hpp"
#include "report/render/wording.hpp"

namespace gmr::report {
namespace {

std::string object_text(const Wait& wait) {
  if (wait.address && wait.object) return printable(address_name_text(*wait.address, *wait.object));
  if (wait.address) return format_hex(*wait.address);
  return "a mutex not identified";
}

std::string fd_text(const WaitedFd& fd) {
  if (fd.target) return "fd " + std::to_string(fd.fd) + ": " + printable(*fd.target);
  return "fd " + std::to_string(fd.fd) + ": " + (fd.target_known ? "closed since" : "unknown");
}

/// "waiting to acquire _thread.RLock 0x7f… held by thread 12 \"worker\" (acquired 2 times), asked by
/// Job.run at /srv/job.py:42; futex heap 0x…": a Python thread's lock wait, with the native futex it is.
std::string python_lock_text(const Wait& wait, const PythonLock& lock, const ThreadIndex& threads) {
  std::string text = "waiting to acquire " + printable(lock.type) + " " + format_hex(lock.address);
  if (lock.kind == PythonLock::Kind::rlock) {
    if (lock.owner)
      text += " held by " + thread_reference(*lock.owner, threads);
    else if (lock.owner_ident)
      text += " held by thread ident " + format_hex(*lock.owner_ident) + ", no Python thread read";
    else
      text += " (not held at the frozen instant)";
    if (lock.count) text += " (acquired " + std::to_string(*lock.count) + (*lock.count == 1 ? " time)" : " times)");
  } else {
    text += " (a Lock records no owner)";
  }
  text += ", asked by " + printable(lock.function.empty() ? std::string{"??"} : lock.function) + " at " +
          printable(lock.file) + ":" + (lock.line ? std::to_string(*lock.line) : std::string{"?"});
  if (lock.frame) text += " (#" + std::to_string(*lock.frame) + ")";
  return text + "; futex " + object_text(wait);
}

}  // namespace

std::string wait_text(const Wait& wait, const ThreadIndex& threads) {
  if (wait.python_lock) return python_lock_text(wait, *wait.python_lock, threads);
  switch (wait.kind) {
    case Wait::Kind::mutex: {
      std::string text = "waiting to lock " + object_text(wait) + (wait.priority_inheritance ? " (priority inheritance)" : "");
      if (wait.thread)
        text += " held by " + thread_reference(*wait.thread, threads);
      else if (wait.foreign_owner)
        text += " held by tid " + std::to_string(*wait.foreign_owner) + ", not a thread of this process";
      else
        text += " (owner unknown)";
      if (wait.kernel_deadlock) text += "; the kernel refused it with EDEADLK and glibc waits forever";
      return text;
    }
    case Wait::Kind::join: return "waiting for " + thread_reference(wait.thread.value_or(0), threads) + " to exit";
    case Wait::Kind::condition: return "waiting on condition " + object_text(wait);
    case Wait::Kind::futex: return "waiting on futex " + object_text(wait);
    case Wait::Kind::syscall: {
      std::vector<std::string> fds;
      for (const auto& fd : wait.fds) fds.push_back(fd_text(fd));
      return "blocked in " + printable(wait.syscall) + (fds.empty() ? "" : "(" + join_words(fds, ", ") + ")");
    }
  }
  return "";
}

std::string held_text(const HeldLock& lock) {
  std::vector<std::string> facts;
  if (lock.priority_inheritance) facts.push_back("priority inheritance");
  if (lock.recursion) facts.push_back("locked " + std::to_string(*lock.recursion) + " times");
  facts.push_back(std::to_string(lock.waiters) + (lock.waiters == 1 ? " waiter" : " waiters"));
  const std::string object =
      lock.object ? printable(address_name_text(lock.address, *lock.object)) : format_hex(lock.address);
  return "holds " + object + " (" + join_words(facts, ", ") + ")";
}

WaiterCounts waiter_counts(const std::vector<Thread>& threads) {
  WaiterCounts counts;
  for (const auto& thread : threads)
    if (thread.wait && thread.wait->address) ++counts[*thread.wait->address];
  return counts;
}

std::optional<std::string> own_object_wait_text(const Thread& thread, const WaiterCounts& waiters) {
  const Wait& wait = *thread.wait;
  if (wait.kind != Wait::Kind::condition && wait.kind != Wait::Kind::futex) return std::nullopt;
  if (wait.python_lock) return std::nullopt;
  if (!wait.address || !wait.object) return std::nullopt;
  const auto count = waiters.find(*wait.address);
  if (count == waiters.end() || count->second != 1) return std::nullopt;
  using Where = symbolize::AddressName::Kind;
  std::string where;
  switch (wait.object->kind) {
    case Where::stack:
      if (wait.object->tid != thread.tid) return std::nullopt;
      where = "on its stack";
      break;
    case Where::heap: where = "in the heap"; break;
    case Where::mapping: {
      const std::string path = wait.object->mapping.value_or("");
      if (path.empty()) return std::nullopt;
      const auto slash = path.rfind('/');
      where = "in " + printable(path.starts_with('[') || slash == std::string::npos ? path : path.substr(slash + 1));
      break;
    }
    case Where::symbol:
    case Where::unknown: return std::nullopt;
  }
  return std::string{"waiting on a "} + (wait.kind == Wait::Kind::condition ? "condition" : "futex") +
         " of its own, " + where;
}

}  // namespace gmr::report
