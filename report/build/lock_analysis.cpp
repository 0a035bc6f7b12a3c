#include "report/build/lock_analysis.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <string_view>

#include "attach/wait_memory.hpp"
#include "report/build/syscall_names.hpp"

namespace gmr::report {
namespace {

// Kernel-internal restart codes: a syscall interrupted by the ptrace stop shows one of them (or -EINTR) in
// rax; any other value means the thread was stopped on its way out of a syscall, not blocked in it.
constexpr std::array<long, 5> interrupted = {-EINTR, -512 /* ERESTARTSYS */, -513 /* ERESTARTNOINTR */,
                                            -514 /* ERESTARTNOHAND */, -516 /* ERESTART_RESTARTBLOCK */};

// glibc x86-64 pthread_mutex_t / pthread_cond_t layout.
constexpr std::uint64_t mutex_count_offset = 4;
constexpr std::uint64_t mutex_owner_offset = 8;
constexpr std::uint64_t mutex_kind_offset = 16;
constexpr std::uint64_t cond_signals_offset = 40;  // __g_signals[2]: where pthread_cond_wait sleeps
constexpr std::uint32_t mutex_kind_recursive = 1;  // PTHREAD_MUTEX_RECURSIVE_NP, in __kind & 3
constexpr std::uint32_t mutex_kind_pi = 32;        // PTHREAD_MUTEX_PRIO_INHERIT_NP
constexpr std::uint32_t tid_mask = FUTEX_TID_MASK;

// Only the innermost frames are looked at: the lock call is right below the futex wait.
constexpr std::size_t inspected_frames = 10;

// Function names without glibc's internal-alias decoration: "__GI___lll_lock_wait" -> "lll_lock_wait",
// "___pthread_mutex_lock" -> "pthread_mutex_lock".
std::string_view plain_name(std::string_view name) {
  while (name.starts_with("__GI_")) name.remove_prefix(5);
  while (name.starts_with('_')) name.remove_prefix(1);
  if (auto dot = name.find('.'); dot != std::string_view::npos) name = name.substr(0, dot);
  return name;
}

bool any_frame_in(const report::Thread& thread, std::initializer_list<std::string_view> names) {
  const std::size_t n = std::min(thread.frames.size(), inspected_frames);
  for (std::size_t i = 0; i < n; ++i)
    if (const auto& function = thread.frames[i].function)
      if (std::ranges::find(names, plain_name(*function)) != names.end()) return true;
  return false;
}

// lll_lock_wait_private (stdio, malloc and other libc-internal locks) is deliberately absent.
bool in_mutex_lock(const report::Thread& thread) {
  return any_frame_in(thread, {"pthread_mutex_lock", "pthread_mutex_lock_full", "pthread_mutex_timedlock",
                               "pthread_mutex_clocklock", "pthread_mutex_clocklock_common",
                               "pthread_mutex_cond_lock", "pthread_mutex_cond_lock_full", "lll_lock_wait",
                               "lll_clocklock_wait", "futex_lock_pi", "futex_lock_pi64"});
}

bool in_join(const report::Thread& thread) {
  return any_frame_in(thread, {"pthread_join", "pthread_clockjoin_ex", "pthread_timedjoin_np",
                               "pthread_clockjoin_np", "pthread_tryjoin_np"});
}

bool in_condition_wait(const report::Thread& thread) {
  return any_frame_in(thread, {"pthread_cond_wait", "pthread_cond_timedwait", "pthread_cond_clockwait",
                               "pthread_cond_wait_common"});
}

// A timed wait interrupted by a stop (any ptrace stop, gmr's own included) returns -ERESTART_RESTARTBLOCK;
// the kernel then continues it as restart_syscall, with the original call's arguments still in the
// registers but its number gone (kernel/signal.c, arch/x86/kernel/signal.c: regs->ax = __NR_restart_syscall).
// The call is named by the libc wrapper among the innermost frames, checked against the argument registers.
constexpr std::size_t restart_frames = 6;

bool is_timed_futex_wait(const user_regs_struct& regs) {
  const unsigned command = static_cast<unsigned>(regs.rsi) & FUTEX_CMD_MASK;
  return command == FUTEX_WAIT || command == FUTEX_WAIT_BITSET;
}

std::optional<long> wrapper_call(std::string_view function, const user_regs_struct& regs) {
  const std::string_view plain = plain_name(function);
  if (function.find("futex") != std::string_view::npos || plain.starts_with("lll_") ||
      plain.starts_with("pthread_cond_") || plain.starts_with("pthread_mutex_") || plain.starts_with("sem_") ||
      plain.starts_with("pthread_rwlock_") || plain.starts_with("pthread_clockjoin") ||
      plain.starts_with("pthread_timedjoin"))
    return is_timed_futex_wait(regs) ? std::optional<long>(SYS_futex) : std::nullopt;
  if (plain == "clock_nanosleep" || plain == "clock_nanosleep_time64" || plain == "nanosleep" ||
      plain == "thrd_sleep" || plain == "sleep" || plain == "usleep") {
    // clock_nanosleep(clockid, flags, request, remain) has a small clock id first; nanosleep(request, remain)
    // a pointer.
    const bool clock_first = regs.rdi < 64 && regs.rsi <= 1;
    return clock_first ? SYS_clock_nanosleep : SYS_nanosleep;
  }
  if (plain == "poll") return SYS_poll;
  if (plain == "epoll_wait") return SYS_epoll_wait;
  if (plain == "epoll_pwait") return SYS_epoll_pwait;
  if (plain == "select") return SYS_select;
  return std::nullopt;
}

// The call a thread in restart_syscall continues: the first libc wrapper among its innermost frames.
std::optional<long> restarted_call(const report::Thread& named, const user_regs_struct& regs) {
  const std::size_t n = std::min(named.frames.size(), restart_frames);
  for (std::size_t i = 0; i < n; ++i)
    if (const auto& function = named.frames[i].function)
      if (auto call = wrapper_call(*function, regs)) return call;
  return std::nullopt;
}

std::optional<std::uint32_t> u32_at(const attach::MemoryCopy& copy, std::uint64_t address) {
  if (!copy.contains(address, 4)) return std::nullopt;
  std::uint32_t value = 0;
  std::memcpy(&value, copy.bytes.data() + (address - copy.start), sizeof value);
  return value;
}

// Snapshot threads are sorted by tid, the leader first: one look at the front, then a binary search.
bool is_thread(const attach::Snapshot& snapshot, pid_t tid) {
  if (tid <= 0 || snapshot.threads.empty()) return false;
  auto alive = [](const attach::ThreadSnapshot& t) { return t.freeze != attach::FreezeState::exited; };
  if (snapshot.threads.front().facts.tid == tid) return alive(snapshot.threads.front());
  auto rest = std::ranges::subrange(snapshot.threads.begin() + 1, snapshot.threads.end());
  auto it = std::ranges::lower_bound(rest, tid, {}, [](const attach::ThreadSnapshot& t) { return t.facts.tid; });
  return it != rest.end() && it->facts.tid == tid && alive(*it);
}

void set_owner(report::Wait& wait, const attach::Snapshot& snapshot, std::uint32_t owner) {
  const auto tid = static_cast<pid_t>(owner & tid_mask);
  if (tid == 0) return;
  if (is_thread(snapshot, tid)) {
    wait.thread = tid;
  } else {
    wait.foreign_owner = tid;
  }
}

// `number`: the call the thread is in (for restart_syscall, the call it continues).
std::vector<report::WaitedFd> fds_of(const attach::ThreadSnapshot& thread, long number,
                                     const attach::Snapshot& snapshot) {
  const auto& regs = *thread.registers;
  const bool restarted = static_cast<long>(regs.orig_rax) == SYS_restart_syscall;
  std::vector<int> fds;
  if (attach::takes_fd_argument(number)) fds.push_back(static_cast<int>(regs.rdi));
  if ((number == SYS_poll || number == SYS_ppoll) && thread.syscall_memory)
    fds = attach::pollfd_fds(restarted ? attach::restarted_pollfds(*thread.syscall_memory, regs.rsi)
                                       : *thread.syscall_memory);
  std::vector<report::WaitedFd> out;
  for (int fd : fds) {
    report::WaitedFd waited{fd, std::nullopt, snapshot.fd_targets_read};
    // fd_targets is sorted by fd.
    auto it = std::ranges::lower_bound(snapshot.fd_targets, fd, {}, &attach::FdTarget::fd);
    if (it != snapshot.fd_targets.end() && it->fd == fd) waited.target = it->target;
    out.push_back(std::move(waited));
  }
  return out;
}

// glibc's endless wait after FUTEX_LOCK_PI said EDEADLK: the mutex is one of the pointers found on the stack
// (attach::pointed_word_requests) that looks like a PI mutex locked by another thread of this process — the
// owner tid in the lock word and in __owner agree. Only a unique such candidate is claimed.
std::optional<std::pair<std::uint64_t, pid_t>> edeadlk_mutex(const attach::ThreadSnapshot& thread,
                                                             const attach::Snapshot& snapshot) {
  std::set<std::pair<std::uint64_t, pid_t>> found;
  for (const auto& words : thread.pointed_words) {
    // glibc keeps pointers to the mutex and to its __kind field (pthread_mutex_lock_full): each copy starts
    // 16 bytes below the pointer when it could (attach::pointed_word_requests), so both are tried.
    for (std::uint64_t base : {words.start, words.start + attach::pointed_words_before}) {
      auto lock = u32_at(words, base);
      auto owner = u32_at(words, base + mutex_owner_offset);
      auto kind = u32_at(words, base + mutex_kind_offset);
      if (!lock || !owner || !kind || (*kind & mutex_kind_pi) == 0 || (*kind & ~0x3f3u) != 0) continue;
      const auto tid = static_cast<pid_t>(*lock & tid_mask);
      if (tid != static_cast<pid_t>(*owner) || tid == thread.facts.tid || !is_thread(snapshot, tid)) continue;
      found.insert({base, tid});
    }
  }
  if (found.size() != 1) return std::nullopt;
  return *found.begin();
}

std::optional<report::Wait> classify_futex(const attach::ThreadSnapshot& thread, const report::Thread& named,
                                           const attach::Snapshot& snapshot, symbolize::AddressNamer& names) {
  const auto& regs = *thread.registers;
  const std::uint64_t address = regs.rdi;
  const unsigned command = static_cast<unsigned>(regs.rsi) & FUTEX_CMD_MASK;
  const auto value = static_cast<std::uint32_t>(regs.rdx);
  std::optional<std::uint32_t> word;
  if (thread.syscall_memory && thread.syscall_memory->start == address) word = u32_at(*thread.syscall_memory, address);
  auto word_at = [&](std::uint64_t offset) -> std::optional<std::uint32_t> {
    if (!thread.syscall_memory || thread.syscall_memory->start != address) return std::nullopt;
    return u32_at(*thread.syscall_memory, address + offset);
  };

  report::Wait wait;
  wait.kind = report::Wait::Kind::futex;
  wait.syscall = "futex";
  wait.address = address;
  const bool plain_wait = command == FUTEX_WAIT || command == FUTEX_WAIT_BITSET;
  const bool mutex_frames = in_mutex_lock(named);

  if ((command == FUTEX_LOCK_PI || command == 13 /* FUTEX_LOCK_PI2 */) && mutex_frames) {
    // PI mutexes keep the owner's tid in the lock word itself.
    wait.kind = report::Wait::Kind::mutex;
    wait.priority_inheritance = true;
    if (word) set_owner(wait, snapshot, *word);
  } else if (plain_wait && mutex_frames && value == 2 && word) {
    // __lll_lock_wait: futex_wait(&__lock, 2); the owner's tid is __owner (0 while being locked/unlocked).
    wait.kind = report::Wait::Kind::mutex;
    if (*word != 0)
      if (auto owner = word_at(mutex_owner_offset)) set_owner(wait, snapshot, *owner);
  } else if (plain_wait && mutex_frames && word && value == *word && (value & tid_mask) != 0) {
    // Robust mutexes wait on the lock word holding the owner's tid.
    wait.kind = report::Wait::Kind::mutex;
    set_owner(wait, snapshot, value);
  } else if (plain_wait && mutex_frames && value == 0 && thread.stack && thread.stack->contains(address, 4)) {
    wait.kind = report::Wait::Kind::mutex;
    wait.priority_inheritance = true;
    wait.kernel_deadlock = true;
    wait.address.reset();
    if (auto found = edeadlk_mutex(thread, snapshot)) {
      wait.address = found->first;
      wait.thread = found->second;
    }
  } else if (plain_wait && in_join(named) && word && value == *word && is_thread(snapshot, static_cast<pid_t>(value))) {
    // pthread_join sleeps on the joined thread's tid word until the kernel clears it at that thread's exit.
    wait.kind = report::Wait::Kind::join;
    wait.thread = static_cast<pid_t>(value);
    wait.address.reset();
  } else if (plain_wait && in_condition_wait(named)) {
    // pthread_cond_wait sleeps on __g_signals[0] or [1]: the condition starts 40 or 44 bytes below, 8-aligned.
    wait.kind = report::Wait::Kind::condition;
    if (address >= cond_signals_offset) wait.address = (address - cond_signals_offset) & ~std::uint64_t{7};
  }
  if (wait.address) wait.object = names.name(*wait.address);
  return wait;
}

}  // namespace

std::optional<report::Wait> classify_wait(const attach::ThreadSnapshot& thread, const report::Thread& named,
                                          const attach::Snapshot& snapshot, symbolize::AddressNamer& names) {
  if (thread.freeze != attach::FreezeState::frozen || !thread.registers) return std::nullopt;
  const auto& regs = *thread.registers;
  long number = static_cast<long>(regs.orig_rax);
  if (number < 0 || std::ranges::find(interrupted, static_cast<long>(regs.rax)) == interrupted.end())
    return std::nullopt;
  bool restarted = false;
  if (number == SYS_restart_syscall)
    if (auto original = restarted_call(named, regs)) {
      number = *original;
      restarted = true;
    }
  std::optional<report::Wait> wait;
  if (number == SYS_futex) {
    wait = classify_futex(thread, named, snapshot, names);
  } else {
    wait.emplace();
    wait->kind = report::Wait::Kind::syscall;
    const auto name = syscall_name(number);
    wait->syscall = name ? std::string(*name) : "syscall " + std::to_string(number);
    wait->fds = fds_of(thread, number, snapshot);
  }
  if (wait) wait->restarted = restarted;
  return wait;
}

void analyse_locks(const attach::Snapshot& snapshot, symbolize::AddressNamer& names, report::Report& report) {
  std::map<pid_t, report::Thread*> by_tid;
  for (auto& thread : report.threads) by_tid[thread.tid] = &thread;
  for (const auto& thread : snapshot.threads)
    if (auto it = by_tid.find(thread.facts.tid); it != by_tid.end())
      it->second->wait = classify_wait(thread, *it->second, snapshot, names);
  add_held_locks(snapshot, report);
}

void add_held_locks(const attach::Snapshot& snapshot, report::Report& report) {
  std::map<pid_t, report::Thread*> by_tid;
  for (auto& thread : report.threads) by_tid[thread.tid] = &thread;
  std::map<std::pair<pid_t, std::uint64_t>, report::HeldLock> held;  // (owner, address)
  for (const auto& thread : snapshot.threads) {
    auto it = by_tid.find(thread.facts.tid);
    if (it == by_tid.end()) continue;
    const auto& wait = it->second->wait;
    if (!wait || wait->kind != report::Wait::Kind::mutex || !wait->thread || !wait->address) continue;
    report::HeldLock& lock = held[{*wait->thread, *wait->address}];
    lock.address = *wait->address;
    lock.object = wait->object;
    lock.priority_inheritance = wait->priority_inheritance;
    ++lock.waiters;
    // The waiter's copy of the mutex tells a recursive mutex's lock count (__count).
    if (thread.syscall_memory && thread.syscall_memory->start == *wait->address) {
      auto kind = u32_at(*thread.syscall_memory, lock.address + mutex_kind_offset);
      auto count = u32_at(*thread.syscall_memory, lock.address + mutex_count_offset);
      if (kind && count && (*kind & 3) == mutex_kind_recursive) lock.recursion = *count;
    }
  }
  for (auto& [key, lock] : held)
    if (auto it = by_tid.find(key.first); it != by_tid.end()) it->second->holds.push_back(std::move(lock));
  report.deadlocks = find_deadlocks(report.threads);
}

std::vector<report::Deadlock> find_deadlocks(const std::vector<report::Thread>& threads) {
  std::map<pid_t, pid_t> waits_for;
  for (const auto& thread : threads) {
    if (!thread.wait) continue;
    const report::Wait& wait = *thread.wait;
    if (wait.thread && (wait.kind == report::Wait::Kind::mutex || wait.kind == report::Wait::Kind::join))
      waits_for[thread.tid] = *wait.thread;
    else if (wait.python_lock && wait.python_lock->owner)  // an RLock: CPython records its owner
      waits_for[thread.tid] = *wait.python_lock->owner;
  }

  // Every thread has at most one outgoing edge: walking from each thread either ends or enters a cycle.
  std::vector<report::Deadlock> cycles;
  std::set<pid_t> done;
  for (const auto& [start, target] : waits_for) {
    std::vector<pid_t> path;
    std::set<pid_t> on_path;
    pid_t at = start;
    for (;;) {
      if (done.contains(at)) break;
      if (on_path.contains(at)) {
        std::vector<pid_t> cycle(std::ranges::find(path, at), path.end());
        std::ranges::rotate(cycle, std::ranges::min_element(cycle));
        cycles.push_back({std::move(cycle)});
        break;
      }
      path.push_back(at);
      on_path.insert(at);
      auto next = waits_for.find(at);
      if (next == waits_for.end()) break;
      at = next->second;
    }
    done.insert(path.begin(), path.end());
  }
  std::ranges::sort(cycles, {}, [](const report::Deadlock& d) { return d.threads.front(); });
  return cycles;
}

}  // namespace gmr::report
