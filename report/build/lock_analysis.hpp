// The lock analysis: from registers, frames and the words copied while frozen, what each blocked thread
// waits for, who holds the mutexes waited for, and the cycles of the wait-for graph. Heuristic but
// checkable: a mutex or join wait is claimed only when the futex op and value, a glibc lock/join frame in
// the stack and the owner (a thread of this process) all agree; anything else is reported as the plain
// futex or syscall wait it is. The glibc x86-64 mutex and condition offsets it reads are at the top of the
// .cpp; attach/wait_memory.hpp decides which bytes were copied.
#pragma once

#include <optional>

#include "attach/snapshot.hpp"
#include "report/report.hpp"
#include "symbolize/address_names.hpp"

namespace gmr::report {

/// What `thread` (whose frames are in `named`) was blocked on when frozen; nullopt when it was not blocked
/// in a syscall (running, not frozen, no registers).
std::optional<report::Wait> classify_wait(const attach::ThreadSnapshot& thread, const report::Thread& named,
                                          const attach::Snapshot& snapshot, symbolize::AddressNamer& names);

/// Sets every thread's `wait` and `holds`, and `report.deadlocks`. `report.threads` are those of
/// `snapshot` that had not exited, in the same order.
void analyse_locks(const attach::Snapshot& snapshot, symbolize::AddressNamer& names, report::Report& report);

/// The second half of analyse_locks, for threads whose `wait` was set by classify_wait one by one (each
/// while its stack copy was still there): every thread's `holds`, and `report.deadlocks`. Reads only the
/// words copied at the futex addresses, never the stacks.
void add_held_locks(const attach::Snapshot& snapshot, report::Report& report);

/// The cycles of the wait-for graph whose edges are mutex waits (to the owner), joins (to the joined
/// thread) and Python threads acquiring an RLock (to its owner; a Lock records no owner, so it is no
/// edge); each once, starting at its lowest tid; sorted by that tid. A thread waiting for a mutex it
/// holds itself is a cycle of one.
std::vector<report::Deadlock> find_deadlocks(const std::vector<report::Thread>& threads);

}  // namespace gmr::report
