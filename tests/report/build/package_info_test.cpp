#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <csignal>
#include <string>

#include "support/process.hpp"
#include "report/build/package_info.hpp"
#include "report/build/run_command.hpp"
#include "support/temp_dir.hpp"

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

TEST_SUITE("report::package_info_cache") {

TEST_CASE("dpkg's answers are kept in the cache directory and used while dpkg's database is unchanged") {
  const gmr::test::TempDir dir("package-cache");
  const std::string cache = (dir.path / "gmr").string();
  const auto first = gmr::report::debian_package("/usr/bin/dpkg-query", 5s, cache);
  REQUIRE(first.has_value());
  CHECK(first->name == "dpkg");
  const std::string kept = gmr::test::read_text(dir.path / "gmr" / "packages-v1");
  CHECK(kept.find("\tdpkg\t") != std::string::npos);

  // The kept answer is the one given: renamed in the file, the package comes back renamed.
  std::string renamed = kept;
  renamed.replace(renamed.find("\tdpkg\t"), 6, "\tgmr-kept-answer\t");
  dir.write("gmr/packages-v1", renamed);
  const auto second = gmr::report::debian_package("/usr/bin/dpkg-query", 5s, cache);
  REQUIRE(second.has_value());
  CHECK(second->name == "gmr-kept-answer");
  CHECK(second->version == first->version);

  SUBCASE("a truncated file is ignored and rewritten") {
    dir.write("gmr/packages-v1", renamed.substr(0, renamed.size() - 4));
    const auto again = gmr::report::debian_package("/usr/bin/dpkg-query", 5s, cache);
    REQUIRE(again.has_value());
    CHECK(again->name == "dpkg");
    CHECK(gmr::test::read_text(dir.path / "gmr" / "packages-v1") == kept);
  }
  SUBCASE("a file from another state of dpkg's database is ignored") {
    std::string other = renamed;
    other.insert(other.find('\n') + 1, "x");
    dir.write("gmr/packages-v1", other);
    const auto again = gmr::report::debian_package("/usr/bin/dpkg-query", 5s, cache);
    REQUIRE(again.has_value());
    CHECK(again->name == "dpkg");
  }
  SUBCASE("no package is an answer too, kept like the others") {
    CHECK_FALSE(gmr::report::debian_package(GMR_BINARY, 5s, cache).has_value());
    CHECK(gmr::test::read_text(dir.path / "gmr" / "packages-v1").find(std::string("N\t") + GMR_BINARY) != std::string::npos);
  }
}

TEST_CASE("a path no package may own is not looked up, and not kept") {
  const gmr::test::TempDir dir("package-cache-local");
  CHECK_FALSE(gmr::report::debian_package("/usr/local/bin/gmr", 5s, (dir.path / "gmr").string()).has_value());
  CHECK_FALSE(gmr::report::debian_package("/tmp/gmr-fixture", 5s, (dir.path / "gmr").string()).has_value());
  CHECK_FALSE(std::filesystem::exists(dir.path / "gmr" / "packages-v1"));
}

}  // TEST_SUITE
