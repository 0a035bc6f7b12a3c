// Shared pieces of the torture and fault suite: the long mode, and what "the target came out exactly as it
// went in" means, checked from outside through /proc.
//
// Counts: each test has a bounded default (the default suite stays within a few minutes on 2 cores) and a
// long-mode count used when the environment has GMR_LONG=1. Each test prints its figures on stderr as one
// line "torture: NAME key=value…" so that a long run can be summed up.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace gmr::test {

/// GMR_LONG=1 in the environment.
bool long_mode();
/// `bounded` normally, `long_count` when long_mode().
int count(int bounded, int long_count);

/// No thread of `pid` is in a stop (T or t).
bool none_stopped(pid_t pid);
/// No thread of `pid` has a tracer (TracerPid 0 everywhere).
bool none_traced(pid_t pid);
/// TracerPid of one thread; absent when it cannot be read.
std::optional<pid_t> tracer_of(pid_t pid, pid_t tid);
/// "tid:state " for every thread, for failure messages.
std::string states_text(pid_t pid);
/// Waits (with deadline) until every thread of `pid` is untraced and not stopped; returns the last check.
bool wait_let_go(pid_t pid);

/// One line on stderr: "torture: NAME figures".
void report_figures(std::string_view name, const std::string& figures);

}  // namespace gmr::test
