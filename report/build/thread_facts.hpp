// Copying what attach/ learned about a thread into the report, in words.
#pragma once

#include <optional>
#include <string>

#include "attach/snapshot.hpp"
#include "report/report.hpp"

namespace gmr::report {

/// "SIGUSR1", "SIGRTMIN+3"; "signal 99" when the number has no name.
std::string signal_name(int signal);

/// Everything of the thread but its frames: identity, state, cpu, blocked syscall, wchan, how it was held,
/// and the errors attach/ recorded (a not-frozen thread says so).
report::Thread thread_facts(const attach::ThreadSnapshot& thread);

}  // namespace gmr::report
