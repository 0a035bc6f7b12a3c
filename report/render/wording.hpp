// The English of the model's kinds, shared by the renderers: the text report prints these lines, and the
// JSON gives them as "message" (or "object") beside the kind and its values. gmr(1) quotes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "report/report.hpp"

namespace gmr::report {

/// "SIGUSR1", "SIGRTMIN+3"; "signal 99" when the number has no name.
std::string signal_name(int signal);

/// "unwind stopped after #3 at 0x7f…: …", "stack could not be read: No such process"…
std::string thread_error_text(const ThreadError& error);

/// "the stack starts at runtime.mstart: …", "the stack goes on in code generated at run time…".
std::string stack_end_text(const StackEnd& end);

/// "group-stop (process was stopped; left stopped)", "signal SIGUSR1 raced the freeze (re-delivered)".
std::string stop_text(const Stop& stop);

/// "2 threads appeared during the freeze: their state and CPU times were read after it"…
std::string note_text(const CaptureNote& note);

/// "continuing futex, restarted after an earlier stop": what a thread in restart_syscall does (Wait::restarted).
std::string restarted_text(const Wait& wait);

/// Why dpkg was not asked: "other mount namespace or root", "executable deleted", "executable unknown".
std::string not_looked_up_text(Package::NotLookedUp why);
/// PY_VERSION_HEX as Python prints it: 0x030b02f0 -> "3.11.2", 0x030d00a1 -> "3.13.0a1".
std::string python_version_text(std::uint32_t hexversion);

/// Why the Green Threads section has no list: "not read: --no-green-threads", "not read: a garbage
/// collection was running at the frozen instant", "not read: the GC lists hold more than … (budget)"…
std::string green_threads_absent_text(symbolize::python::GreenThreadsAbsent why,
                                      const std::optional<symbolize::python::DecodeError>& error);

/// "not_asked", "no_greenlet_module", "collecting", "budget", "unreadable": the JSON name.
const char* green_threads_absent_name(symbolize::python::GreenThreadsAbsent why);

/// "ident 0x7f…, holds the GIL" — a thread's Python side, without its name.
std::string python_thread_text(const PythonThreadFacts& python);

/// `address` as `name` says: "app::registry+0x10", "stack of thread 42 0x7ffc…", "heap 0x55…",
/// "libfoo.so 0x7f…", "[vvar] 0x7f…", or the bare "0x…" when it is in no mapping.
std::string address_name_text(std::uint64_t address, const symbolize::AddressName& name);

}  // namespace gmr::report
