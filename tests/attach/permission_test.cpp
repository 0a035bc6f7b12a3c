#include <doctest/doctest.h>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

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

/// A child that makes itself what the test needs, then waits to be looked at and killed.
class Child {
 public:
  enum class Change { setuid_nobody, setuid_nobody_then_dumpable, undumpable_root };

  explicit Child(Change change) {
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      // Only async-signal-safe calls: the parent has threads.
      ::close(ready[0]);
      bool ok = true;
      if (change != Change::undumpable_root) ok = ::setgid(65534) == 0 && ::setuid(65534) == 0;  // nobody
      if (change == Change::setuid_nobody_then_dumpable) ok = ok && ::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == 0;
      if (change == Change::undumpable_root) ok = ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
      const char byte = ok ? 'y' : 'n';
      if (::write(ready[1], &byte, 1) != 1) ::_exit(1);
      for (;;) ::pause();
    }
    ::close(ready[1]);
    char byte = 0;
    const bool got = ::read(ready[0], &byte, 1) == 1;
    ::close(ready[0]);
    REQUIRE(got);
    REQUIRE(byte == 'y');
  }
  ~Child() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

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
    const auto m = explain_permission(f);
    CHECK(says(m, "not dumpable (prctl PR_SET_DUMPABLE, or a uid change"));
    CHECK(says(m, "run gmr as root or with CAP_SYS_PTRACE"));
  }

  TEST_CASE("a process that changed its uid, or said so with prctl, is found not dumpable") {
    REQUIRE_MESSAGE(getuid() == 0, "the children switch to uid 65534 (nobody)");
    using Change = Child::Change;
    {
      // memcached -u nobody: dropping root makes a process non-dumpable; /proc/PID keeps uid 65534.
      Child child(Change::setuid_nobody);
      CHECK(gmr::attach::gather_permission_facts(child.pid()).target_dumpable == std::optional<bool>(false));
    }
    {
      Child child(Change::setuid_nobody_then_dumpable);
      CHECK(gmr::attach::gather_permission_facts(child.pid()).target_dumpable == std::optional<bool>(true));
    }
    {
      // Running as root, its files are root's either way: gmr cannot tell, and does not claim.
      Child child(Change::undumpable_root);
      CHECK_FALSE(gmr::attach::gather_permission_facts(child.pid()).target_dumpable.has_value());
    }
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
