// Copying what attach/ learned about a thread into the report: its facts, how it was held, what is missing.
#pragma once

#include <optional>
#include <string>

#include "attach/snapshot.hpp"
#include "report/report.hpp"

namespace gmr::report {

/// Everything of the thread but its frames: identity, state, cpu, blocked syscall, wchan, how it was held,
/// and the errors attach/ recorded (a not-frozen thread has one too).
report::Thread thread_facts(const attach::ThreadSnapshot& thread);

}  // namespace gmr::report
