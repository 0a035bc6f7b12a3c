// What the lock analysis needs from the target beyond registers and stacks: the words at a futex
// address, a poll(2) call's pollfd array, pointer candidates for glibc's endless
// wait after EDEADLK on a PI mutex, and where the fds blocked threads wait on point. Reading is done by
// capture(); this file decides what to read and decodes the few raw layouts both attach/ and report/build/ use.
#pragma once

#include <sys/types.h>
#include <sys/user.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "attach/memory_copy.hpp"
#include "attach/process_connection.hpp"
#include "attach/snapshot.hpp"

namespace gmr::attach {

/// Bytes copied at a futex address: glibc x86-64 pthread_mutex_t's __lock, __count, __owner, __nusers, __kind
/// and __spins/__elision (the struct starts at the futex word when the futex is a mutex's lock word).
inline constexpr std::size_t futex_words_size = 24;
/// At most this many pollfd entries of a poll/ppoll call are copied.
inline constexpr std::size_t max_pollfds = 64;

/// The memory worth copying while frozen for a thread with these registers: futex -> futex_words_size bytes
/// at uaddr; poll/ppoll -> the pollfd array; anything else -> nothing.
std::optional<RangeRequest> syscall_memory_request(const user_regs_struct& regs);

/// glibc's pthread_mutex_lock, told EDEADLK by FUTEX_LOCK_PI for a non-error-checking PI mutex, waits forever
/// on a word of its own stack: the mutex is then only known from the stack. For a thread in a futex wait
/// with value 0 on a word between SP and the end of its stack copy: the callee-saved registers and the
/// 8-byte-aligned values of the stack just above SP that point into writable mappings, deduplicated (at most
/// 64 from the stack). Each copy starts pointed_words_before bytes below the pointer (glibc also keeps
/// &mutex->__kind, 16 bytes in) when that is still in the mapping, and runs futex_words_size past it.
inline constexpr std::size_t pointed_words_before = 16;
std::vector<RangeRequest> pointed_word_requests(const ThreadSnapshot& thread, const Maps& maps);

/// From the registers alone: whether pointed_word_requests() may ask for anything (a futex wait for 0 on a
/// word at or above SP), so that the stacks and maps are needed before the target is let go.
bool may_need_pointed_words(const user_regs_struct& regs);

/// Whether syscall `number` takes the file descriptor it blocks on as its first argument (read, recv,
/// accept, epoll_wait…).
bool takes_fd_argument(long number);

/// The fds of a copied pollfd array (struct pollfd: int fd; short events, revents), negative ones skipped.
std::vector<int> pollfd_fds(const MemoryCopy& copy);

/// The fds that threads blocked in a syscall wait on, from their registers and copied pollfd arrays;
/// sorted, unique.
std::vector<int> waited_fds(const Snapshot& snapshot);

/// Where each fd points (readlink /proc/PID/fd/N). An fd closed since gives an absent target.
std::vector<FdTarget> read_fd_targets(ProcessConnection& process, std::span<const int> fds);

}  // namespace gmr::attach
