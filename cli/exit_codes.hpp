// The exit-code contract of gmr, the same for every output format. Documented in gmr(1) EXIT STATUS.
#pragma once

namespace gmr::cli {

enum ExitCode : int {
  exit_complete = 0,         // report printed, every thread frozen and unwound
  exit_partial = 1,          // report printed, but some thread was not frozen or not fully unwound
  exit_no_report = 2,        // target cannot be dumped: zombie, kernel thread, gmr itself, a thread id,
                             // already traced, or the kernel refused for another reason
  exit_no_such_process = 3,  // no process with that pid
  exit_permission = 4,       // ptrace permission denied (cause named: uid, CAP_SYS_PTRACE, Yama, dumpable)
  exit_usage = 64,           // bad command line (EX_USAGE)
  exit_internal = 70,        // a bug in gmr (EX_SOFTWARE); the target was let go before it was reported
  // 128 + N: gmr received signal N (SIGINT, SIGTERM, SIGHUP) while attached; it let the target go first.
};

}  // namespace gmr::cli
