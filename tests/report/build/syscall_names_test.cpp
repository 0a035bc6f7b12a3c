#include <doctest/doctest.h>

#include <sys/syscall.h>

#include "report/build/syscall_names.hpp"

using gmr::report::syscall_name;

TEST_SUITE("report::syscall_names") {

TEST_CASE("numbers map to the names of <asm/unistd_64.h>") {
  CHECK(syscall_name(202) == std::optional<std::string_view>("futex"));
  CHECK(syscall_name(0) == std::optional<std::string_view>("read"));
  CHECK(syscall_name(SYS_clock_nanosleep) == std::optional<std::string_view>("clock_nanosleep"));
  CHECK(syscall_name(SYS_exit_group) == std::optional<std::string_view>("exit_group"));
  CHECK(syscall_name(SYS_clone3) == std::optional<std::string_view>("clone3"));
}

TEST_CASE("numbers the header does not define have no name") {
  CHECK_FALSE(syscall_name(-1).has_value());
  CHECK_FALSE(syscall_name(100000).has_value());
}

}  // TEST_SUITE
