// Which threading lock a Python thread blocked in a futex wait is acquiring: the _thread.lock or
// _thread.RLock object whose PyThread_type_lock (a glibc sem_t, its futex word first) is the very word the
// thread sleeps on. CPython's acquire (lock_PyThread_acquire_lock, rlock_acquire) runs below the frame that
// called it, and that frame's evaluation stack still holds the lock: as `self` of `lock.acquire()`, or as
// m_self of the bound `__exit__` a `with lock:` left where the lock was (3.11, 3.12; 3.13 keeps the lock
// itself there until the call returns). The evaluation stack is read in full (CPython does not keep its
// top in the frame while a call runs), so stale slots are read too: only an object of the right type
// whose lock word equals the futex address is named, and only when exactly one such object is found.
// Never a guess: anything unreadable, of another type or ambiguous gives no lock.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "attach/memory_source.hpp"
#include "symbolize/python/frame_chain.hpp"
#include "symbolize/python/layout.hpp"
#include "symbolize/python/object_types.hpp"

namespace gmr::symbolize::python {

/// The most evaluation-stack slots read (co_stacksize of CPython's own code stays far below; a larger
/// claim is taken for garbage and gives no lock).
inline constexpr std::int32_t max_stack_slots = 1024;

struct PythonLockWait {
  enum class Kind { lock, rlock };
  Kind kind = Kind::lock;
  std::uint64_t object = 0;     // the lock object (Python's id())
  std::string type_name;        // its tp_name: "_thread.lock" or "_thread.RLock"
  std::uint64_t lock_word = 0;  // lock_lock / rlock_lock: the sem_t whose futex word the thread waits on
  std::uint64_t frame = 0;      // the asking frame (_PyInterpreterFrame) whose evaluation stack holds it
  bool through_bound_method = false;   // found as m_self of a bound builtin method (`with lock:`)
  std::optional<std::uint64_t> owner_ident;  // RLock: rlock_owner (the owner's thread ident), when owned
  std::optional<std::uint64_t> count;        // RLock: rlock_count, how many times the owner holds it
  std::optional<pid_t> owner_tid;            // RLock: the owner's kernel tid, when it is a thread read
};

/// The lock `frame` is waiting to acquire, given the futex word address the thread sleeps on. `frame` is
/// the thread's innermost Python frame; its code object comes through `codes`.
std::optional<PythonLockWait> find_lock_wait(const attach::MemorySource& memory, const PythonLayout& layout,
                                             const KnownTypes& known, CodeObjectCache& codes,
                                             const PythonFrame& frame, std::uint64_t futex_word);

}  // namespace gmr::symbolize::python
