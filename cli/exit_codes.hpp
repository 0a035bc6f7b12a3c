// The exit-code contract of gmr, the same for every output format. Documented in gmr(1) EXIT STATUS and
// in `gmr dump --help`.
#pragma once

namespace gmr::cli {

enum ExitCode : int {
  exit_complete = 0,         // report printed, every thread frozen and unwound
  exit_partial = 1,          // report printed, but some thread was not frozen or not fully unwound, or a
                             // thread asked for with --threads is in none of the processes dumped
  exit_no_report = 2,        // target cannot be dumped: zombie, kernel thread, gmr itself, a thread id,
                             // already traced, the kernel refused for another reason, or the report could
                             // not be written
  exit_no_such_process = 3,  // no process with that pid
  exit_permission = 4,       // ptrace permission denied (cause named: uid, CAP_SYS_PTRACE, Yama, dumpable)
  exit_deadlock = 5,         // report printed, and it shows a deadlock (a cycle of mutex, RLock or join waits),
                             // whether or not it is also partial
  exit_usage = 64,           // bad command line (EX_USAGE); nothing was dumped
  exit_internal = 70,        // a bug in gmr (EX_SOFTWARE); the target was let go before it was reported
  exit_interrupted_base = 128,  // + N: gmr received signal N (SIGINT, SIGTERM, SIGHUP) while attached; it
                                // let the target go first and dumped no further pid
};

constexpr bool is_interrupted(int code) { return code > exit_interrupted_base; }

/// Severity for several pids: 128+N > 70 > 64 > 5 > 4 > 3 > 2 > 1 > 0. Interrupted first, because the pids
/// after it were never tried; then a bug; then a deadlock, a fault of the service a runbook must act on and
/// must not lose behind a pid that could not be dumped; then the no-report codes, the most actionable first
/// (permission, then a vanished process, then a refusal); then partial; then complete.
constexpr int severity(int code) {
  switch (code) {
    case exit_complete: return 0;
    case exit_partial: return 1;
    case exit_no_report: return 2;
    case exit_no_such_process: return 3;
    case exit_permission: return 4;
    case exit_deadlock: return 5;
    case exit_usage: return 6;
    case exit_internal: return 7;
    default: return is_interrupted(code) ? 8 : 7;  // an unknown code is treated as a bug
  }
}

/// The exit code of a run over several pids: the worst of theirs.
constexpr int worst_exit_code(int a, int b) { return severity(b) > severity(a) ? b : a; }

}  // namespace gmr::cli
