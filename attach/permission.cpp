#include "attach/permission.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>

#include "attach/proc_parse.hpp"
#include "attach/proc_read.hpp"

namespace gmr::attach {
namespace {

constexpr int cap_sys_ptrace = 19;

std::string who(const PermissionFacts& f) {
  std::string s = "process " + std::to_string(f.pid);
  if (f.name) s += " (" + *f.name + ")";
  return s;
}

}  // namespace

PermissionFacts gather_permission_facts(pid_t pid) {
  PermissionFacts f;
  f.pid = pid;
  f.gmr_uid = getuid();
  if (auto self = read_file("/proc/self/status")) {
    auto s = parse_status(*self);
    f.gmr_cap_permitted = s.cap_permitted;
    f.gmr_has_cap_sys_ptrace = s.cap_effective && (*s.cap_effective >> cap_sys_ptrace) & 1;
  }
  if (auto text = read_file(proc_path(pid, "status"))) {
    auto s = parse_status(*text);
    f.target_uids = s.uids;
    f.target_cap_permitted = s.cap_permitted;
  }
  if (auto stat = read_file(proc_path(pid, "stat")))
    if (auto st = parse_stat(*stat)) f.name = st->name;
  // A non-dumpable process's /proc/PID files are owned by root (of its user namespace), while /proc/PID
  // itself keeps the process's effective uid (fs/proc/base.c task_dump_owner: world-readable directories
  // are exempt). So the two owners differ exactly when it is not dumpable — unless it runs as that root.
  struct stat dir_st {};
  struct stat file_st {};
  if (::stat(proc_path(pid).c_str(), &dir_st) == 0 && ::stat(proc_path(pid, "status").c_str(), &file_st) == 0 && dir_st.st_uid != 0)
    f.target_dumpable = file_st.st_uid == dir_st.st_uid;
  if (auto yama = read_file("/proc/sys/kernel/yama/ptrace_scope")) {
    int v = 0;
    auto [p, ec] = std::from_chars(yama->data(), yama->data() + yama->size(), v);
    if (ec == std::errc{}) f.yama_scope = v;
  }
  // Ancestor: walk the target's parents up to init.
  pid_t p = pid;
  for (int hops = 0; p > 1 && hops < 4096; ++hops) {
    auto stat = read_file(proc_path(p, "stat"));
    auto parsed = stat ? parse_stat(*stat) : std::nullopt;
    if (!parsed) break;
    p = parsed->ppid;
    if (p == getpid()) {
      f.gmr_is_ancestor = true;
      break;
    }
  }
  return f;
}

std::string explain_permission(const PermissionFacts& f) {
  const std::string prefix = "permission denied to trace " + who(f) + ": ";
  if (f.yama_scope && *f.yama_scope >= 3)
    return prefix + "ptrace is disabled on this machine (kernel.yama.ptrace_scope = 3; only a reboot lowers it)";
  if (!f.gmr_has_cap_sys_ptrace) {
    if (f.target_uids) {
      const auto& u = *f.target_uids;
      if (u[0] != f.gmr_uid || u[1] != f.gmr_uid || u[2] != f.gmr_uid) {
        std::string s = prefix + "it runs as uid " + std::to_string(u[1]) + ", gmr as uid " + std::to_string(f.gmr_uid);
        if (f.gmr_uid == 0) return s + " without CAP_SYS_PTRACE (dropped, as in most containers: add CAP_SYS_PTRACE, e.g. --cap-add=SYS_PTRACE)";
        return s + ": run gmr as uid " + std::to_string(u[1]) + " or as root";
      }
    }
    if (f.target_dumpable && !*f.target_dumpable)
      return prefix + "it is not dumpable (prctl PR_SET_DUMPABLE, or a uid change such as a service dropping "
                      "privileges): only a tracer with CAP_SYS_PTRACE may attach; run gmr as root or with "
                      "CAP_SYS_PTRACE";
    if (f.target_cap_permitted && f.gmr_cap_permitted && (*f.target_cap_permitted & ~*f.gmr_cap_permitted) != 0)
      return prefix + "it holds capabilities gmr lacks and gmr has no CAP_SYS_PTRACE (dropped, as in most containers: add CAP_SYS_PTRACE, e.g. --cap-add=SYS_PTRACE, or run gmr on the host as root)";
    if (f.yama_scope && *f.yama_scope == 2)
      return prefix + "kernel.yama.ptrace_scope = 2 lets only CAP_SYS_PTRACE holders trace: run gmr as root";
    if (f.yama_scope && *f.yama_scope == 1 && !f.gmr_is_ancestor)
      return prefix + "kernel.yama.ptrace_scope = 1 lets a process trace only its descendants: run gmr as root, or set kernel.yama.ptrace_scope = 0";
  }
  return prefix + "the kernel refused (EPERM) for a reason gmr cannot see, such as a security module (SELinux, AppArmor) or a seccomp policy";
}

}  // namespace gmr::attach
