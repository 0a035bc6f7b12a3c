// The lock analysis in words, for the text report and its --group and deadlock sections.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "report/report.hpp"
#include "report/thread_index.hpp"

namespace gmr::report {

/// "waiting to lock app::lock_b held by thread 12 \"lock-b\"": the jstack-like line of a blocked thread (a
/// Python thread's lock wait names the threading lock, then the native futex it is).
std::string wait_text(const Wait& wait, const ThreadIndex& threads);

/// "holds app::lock_a (priority inheritance, 2 waiters)": a mutex the thread holds.
std::string held_text(const HeldLock& lock);

/// How many threads wait on each address (mutex, condition, futex word).
using WaiterCounts = std::map<std::uint64_t, std::size_t>;
WaiterCounts waiter_counts(const std::vector<Thread>& threads);

/// A condition or futex wait on an object no other thread waits on and that is no named global — a server
/// connection thread's own condition variable — worded by where such objects are, so that a group's threads
/// each waiting on their own object share one line: "waiting on a condition of its own, on its stack".
/// None for any other wait. `thread` must have a wait.
std::optional<std::string> own_object_wait_text(const Thread& thread, const WaiterCounts& waiters);

}  // namespace gmr::report
