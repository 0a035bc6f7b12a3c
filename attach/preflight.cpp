#include "attach/preflight.hpp"

#include <unistd.h>

#include <string>

#include "attach/proc_parse.hpp"
#include "attach/proc_read.hpp"

namespace gmr::attach {
namespace {

AttachError refuse(AttachErrorKind kind, std::string message) {
  AttachError e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}

bool every_thread_dead(pid_t pid) {
  for (pid_t tid : read_thread_ids(pid)) {
    auto stat = read_file(task_path(pid, tid, "stat"));
    auto parsed = stat ? parse_stat(*stat) : std::nullopt;
    if (parsed && parsed->state != 'Z' && parsed->state != 'X') return false;
  }
  return true;
}

}  // namespace

std::optional<AttachError> preflight(pid_t pid) {
  const std::string p = std::to_string(pid);
  if (pid == getpid()) return refuse(AttachErrorKind::self, "process " + p + " is gmr itself: it cannot dump its own process");
  auto status_text = read_file(proc_path(pid, "status"));
  auto stat_text = read_file(proc_path(pid, "stat"));
  if (!status_text || !stat_text) return refuse(AttachErrorKind::no_such_process, "no process with pid " + p);
  const StatusFields status = parse_status(*status_text);
  const auto stat = parse_stat(*stat_text);
  if (status.tgid && *status.tgid != pid) {
    if (*status.tgid == getpid()) return refuse(AttachErrorKind::self, "pid " + p + " is a thread of gmr itself: it cannot dump its own process");
    AttachError e = refuse(AttachErrorKind::not_a_process, "pid " + p + " is a thread of process " + std::to_string(*status.tgid) +
                                                               ", not a process: run gmr dump " + std::to_string(*status.tgid));
    e.process_pid = *status.tgid;
    return e;
  }
  if (!stat) return refuse(AttachErrorKind::system, "cannot parse " + proc_path(pid, "stat"));
  const std::string who = "process " + p + " (" + stat->name + ")";
  if (stat->flags & pf_kthread) return refuse(AttachErrorKind::kernel_thread, who + " is a kernel thread: it has no user space to dump");
  if ((stat->state == 'Z' || stat->state == 'X') && every_thread_dead(pid))
    return refuse(AttachErrorKind::zombie, who + " is a zombie: it has exited and its parent (pid " + std::to_string(stat->ppid) +
                                               ") has not reaped it yet; there is nothing left to dump");
  return std::nullopt;
}

}  // namespace gmr::attach
