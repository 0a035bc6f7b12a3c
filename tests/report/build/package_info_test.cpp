#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <string>

#include "support/process.hpp"
#include "report/build/package_info.hpp"
#include "report/build/run_command.hpp"

using namespace std::chrono_literals;

TEST_SUITE("report::package_info") {

TEST_CASE("a helper's stdout comes back when it exits 0, failures and unknown programs are nullopt") {
  CHECK(gmr::report::run_command({"echo", "hello"}, 5s) == std::optional<std::string>("hello\n"));
  CHECK_FALSE(gmr::report::run_command({"false"}, 5s).has_value());
  CHECK_FALSE(gmr::report::run_command({"gmr-no-such-program-anywhere"}, 5s).has_value());
}

TEST_CASE("a helper runs with SIGPIPE at its default action although gmr ignores it") {
  // gmr ignores SIGPIPE (cli/main.cpp); exec keeps an ignored signal ignored unless the spawn resets it.
  struct IgnoreSigpipe {
    void (*saved)(int) = std::signal(SIGPIPE, SIG_IGN);
    ~IgnoreSigpipe() { std::signal(SIGPIPE, saved); }
  } ignore;
  const auto status = gmr::report::run_command({"grep", "^SigIgn:", "/proc/self/status"}, 5s);
  REQUIRE(status.has_value());
  const unsigned long long ignored = std::stoull(status->substr(status->find(':') + 1), nullptr, 16);
  CHECK((ignored & (1ULL << (SIGPIPE - 1))) == 0);
}

TEST_CASE("a helper that overruns its time is killed, not waited for") {
  const auto started = std::chrono::steady_clock::now();
  CHECK_FALSE(gmr::report::run_command({"sleep", "10"}, 200ms).has_value());
  CHECK(std::chrono::steady_clock::now() - started < 3s);
}

TEST_CASE("the Debian package of a packaged executable, with its version, as dpkg-query reports it") {
  // /usr/bin/dpkg-query belongs to dpkg on every Debian system; dpkg's database may list it under /usr/bin or
  // /bin depending on the /usr-merge state, which debian_package() handles.
  const auto package = gmr::report::debian_package("/usr/bin/dpkg-query");
  REQUIRE(package.has_value());
  CHECK(package->name == "dpkg");
  const auto version = gmr::test::run_command({"dpkg-query", "-W", "-f=${Version}", "dpkg"});
  REQUIRE(version.exit_code == 0);
  CHECK(package->version == std::optional<std::string>(version.out));
}

TEST_CASE("a /usr-merged alias is found: /bin/sh is dash's, whichever form dpkg recorded") {
  const auto package = gmr::report::debian_package("/usr/bin/sh");
  REQUIRE(package.has_value());
  CHECK(package->name == "dash");
  CHECK(package->version.has_value());
}

TEST_CASE("a file dpkg does not know has no package") {
  CHECK_FALSE(gmr::report::debian_package(GMR_BINARY).has_value());
  CHECK_FALSE(gmr::report::debian_package("/nonexistent/gmr/file").has_value());
}

}  // TEST_SUITE
