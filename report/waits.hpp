// The lock analysis's part of the Report (report/report.hpp): what a blocked thread waits for, the mutexes a
// thread holds, and the cycles of the wait-for graph. Plain data, built by report/build/lock_analysis.hpp and
// python_lock_waits.hpp, and worded by the renderers.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "symbolize/address_name.hpp"

namespace gmr::report {

struct BlockedSyscall {
  long number = 0;
  std::optional<std::string> name;   // "futex"
  std::vector<std::uint64_t> args;   // six
};

/// A file descriptor a blocked thread waits on and where it pointed (/proc/PID/fd): "pipe:[123]".
struct WaitedFd {
  int fd = 0;
  std::optional<std::string> target;  // absent when the link could not be read
  bool target_known = true;           // false: never read (a core gmr did not write), not closed since
};

/// The threading lock (threading.Lock / RLock) a Python thread is blocked acquiring: the Python side of its
/// futex wait, named only when the lock object found on the asking frame's evaluation stack has, as its
/// own lock word, the very futex word the thread sleeps on (report/build/python_lock_waits.hpp).
struct PythonLock {
  enum class Kind { lock, rlock };
  Kind kind = Kind::lock;
  std::uint64_t address = 0;                 // the lock object (Python's id())
  std::string type;                          // tp_name: "_thread.lock", "_thread.RLock"
  std::optional<pid_t> owner;                // rlock: the owning thread, a thread of this process
  std::optional<std::uint64_t> owner_ident;  // rlock: the owner's thread ident (threading.get_ident())
  std::optional<std::uint64_t> count;        // rlock: how many times the owner holds it
  // The frame that asked (called acquire() or entered `with`): the thread's innermost Python frame.
  std::optional<int> frame;                  // its index in the thread's frames; absent when not shown
  std::string function;                      // co_qualname
  std::string file;                          // co_filename
  std::optional<int> line;
};

/// What a blocked thread waits for (the lock analysis). A mutex or join claim was validated: futex op and
/// value, a pthread_mutex_lock / __lll_lock_wait / PI or pthread_join frame in the stack, and the words read
/// while frozen. `object` names `address`: a data symbol, else the mapping it is in.
struct Wait {
  enum class Kind {
    mutex,      // waiting to lock a pthread mutex
    join,       // pthread_join: waiting for `thread` to exit
    condition,  // pthread_cond_*wait
    futex,      // any other futex wait (stdio and malloc locks, rwlocks, semaphores, barriers…)
    syscall,    // another blocking syscall (read, recv, poll, epoll_wait, accept, nanosleep…)
  };
  Kind kind = Kind::syscall;
  std::string syscall;                     // "futex", "read", "syscall 999"; for a restarted call the original
  std::optional<std::uint64_t> address;    // mutex, condition or futex word
  std::optional<symbolize::AddressName> object;  // `address` named
  bool priority_inheritance = false;       // a PI mutex
  bool kernel_deadlock = false;            // PI: the kernel refused the lock with EDEADLK; glibc now waits forever
  std::optional<pid_t> thread;             // mutex: the owner, a thread of this process; join: the joined thread
  std::optional<pid_t> foreign_owner;      // mutex: owner tid recorded in the mutex that is no thread of this process
  std::vector<WaitedFd> fds;               // syscall: the fds it waits on
  bool restarted = false;                  // in restart_syscall, continuing `syscall`: a timed wait interrupted by
                                           // an earlier stop (ptrace, SIGSTOP), named from the frames
  std::optional<PythonLock> python_lock;   // futex: the threading lock a Python thread is acquiring
};

/// A mutex some thread waits for, on the thread that holds it.
struct HeldLock {
  std::uint64_t address = 0;
  std::optional<symbolize::AddressName> object;  // `address` named
  std::size_t waiters = 0;
  std::optional<unsigned> recursion;  // recursive mutex: how many times the owner has locked it
  bool priority_inheritance = false;
};

/// A cycle of the wait-for graph (mutex, join and Python RLock edges): each thread waits for the next, the
/// last for the first. Starts at its lowest tid.
struct Deadlock {
  std::vector<pid_t> threads;
};

}  // namespace gmr::report
