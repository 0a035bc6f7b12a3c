// Why the kernel said EPERM to PTRACE_SEIZE, in words an operator can act on.
//
// Mirrors the kernel's checks (kernel/ptrace.c __ptrace_may_access, security/commoncap.c
// cap_ptrace_access_check, security/yama): same real uid as the target's real, effective and saved uid,
// target dumpable, target's permitted capabilities a subset of gmr's — each waived by CAP_SYS_PTRACE —
// then Yama's ptrace_scope.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace gmr::attach {

struct PermissionFacts {
  pid_t pid = 0;
  std::optional<std::string> name;
  uid_t gmr_uid = 0;                            // real uid: what PTRACE_MODE_REALCREDS compares
  bool gmr_has_cap_sys_ptrace = false;
  std::optional<std::uint64_t> gmr_cap_permitted;
  std::optional<std::array<uid_t, 4>> target_uids;
  std::optional<std::uint64_t> target_cap_permitted;
  std::optional<bool> target_dumpable;          // owners of /proc/PID and /proc/PID/status differ when not;
                                                // absent when they cannot tell (it runs as root)
  std::optional<int> yama_scope;                // /proc/sys/kernel/yama/ptrace_scope; absent without Yama
  bool gmr_is_ancestor = false;
};

PermissionFacts gather_permission_facts(pid_t pid);

/// One line: "process N (name) …: <cause and fix>".
std::string explain_permission(const PermissionFacts& facts);

}  // namespace gmr::attach
