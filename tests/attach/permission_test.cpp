#include <doctest/doctest.h>

#include "attach/permission.hpp"

using gmr::attach::explain_permission;
using gmr::attach::PermissionFacts;

namespace {

PermissionFacts same_user() {
  PermissionFacts f;
  f.pid = 77;
  f.name = "svc";
  f.gmr_uid = 1000;
  f.target_uids = std::array<uid_t, 4>{1000, 1000, 1000, 1000};
  f.gmr_cap_permitted = 0;
  f.target_cap_permitted = 0;
  f.target_dumpable = true;
  return f;
}

bool says(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("attach::permission") {
  TEST_CASE("names the process in every message") {
    CHECK(says(explain_permission(same_user()), "process 77 (svc)"));
  }

  TEST_CASE("different user") {
    auto f = same_user();
    f.target_uids = std::array<uid_t, 4>{0, 0, 0, 0};
    auto m = explain_permission(f);
    CHECK(says(m, "runs as uid 0, gmr as uid 1000"));
    CHECK(says(m, "as root"));
  }

  TEST_CASE("a setuid program's saved uid counts too") {
    auto f = same_user();
    f.target_uids = std::array<uid_t, 4>{1000, 1000, 0, 1000};
    CHECK(says(explain_permission(f), "uid"));
  }

  TEST_CASE("root without CAP_SYS_PTRACE, as in a container") {
    auto f = same_user();
    f.gmr_uid = 0;
    f.target_uids = std::array<uid_t, 4>{0, 0, 0, 0};
    f.gmr_cap_permitted = 0x1fffff7ffffULL & ~(1ULL << 19);
    f.target_cap_permitted = 0x1ffffffffffULL;
    CHECK(says(explain_permission(f), "CAP_SYS_PTRACE"));
    f.target_uids = std::array<uid_t, 4>{33, 33, 33, 33};
    CHECK(says(explain_permission(f), "without CAP_SYS_PTRACE"));
  }

  TEST_CASE("not dumpable") {
    auto f = same_user();
    f.target_dumpable = false;
    CHECK(says(explain_permission(f), "not dumpable"));
  }

  TEST_CASE("Yama ptrace_scope values") {
    auto f = same_user();
    f.yama_scope = 1;
    CHECK(says(explain_permission(f), "ptrace_scope = 1"));
    f.gmr_is_ancestor = true;
    CHECK_FALSE(says(explain_permission(f), "ptrace_scope = 1"));
    f.yama_scope = 2;
    CHECK(says(explain_permission(f), "ptrace_scope = 2"));
    f.yama_scope = 3;
    f.gmr_has_cap_sys_ptrace = true;
    CHECK(says(explain_permission(f), "ptrace_scope = 3"));
  }

  TEST_CASE("with CAP_SYS_PTRACE and nothing else wrong, a security module is the remaining suspect") {
    auto f = same_user();
    f.gmr_has_cap_sys_ptrace = true;
    f.target_uids = std::array<uid_t, 4>{0, 0, 0, 0};
    CHECK(says(explain_permission(f), "security module"));
  }
}
