// symbolize/debuginfo_search.hpp: without DEBUGINFOD_URLS, gmr never loads libdebuginfod; with it, the
// standard search does (which shows that the dynamic loader's trace below would see it).
#include <doctest/doctest.h>

#include <string>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

TEST_SUITE("symbolize::debuginfo_search") {

TEST_CASE("libdebuginfod is loaded only when DEBUGINFOD_URLS names a server") {
  gmr::test::Fixture fixture("fixture_threads_cpp");
  const gmr::test::TempDir dir("debuginfod");
  const std::string pid = std::to_string(fixture.pid());
  // LD_DEBUG=libs makes the dynamic loader trace every library it loads, dlopen'ed ones too, on stderr.
  const auto without = gmr::test::run_command(
      {"env", "-u", "DEBUGINFOD_URLS", "LD_DEBUG=libs", GMR_BINARY, "dump", "--no-cache", pid});
  CHECK(without.exit_code == 0);
  CHECK(without.err.find("libdw") != std::string::npos);  // the trace is there
  CHECK(without.err.find("libdebuginfod") == std::string::npos);

  // Nothing listens on port 9 of the loopback: every query fails at once. The vDSO has a build id and no
  // debug file on disk, so the standard search asks the server for it.
  const auto with = gmr::test::run_command({"env", "DEBUGINFOD_URLS=http://127.0.0.1:9",
                                            "DEBUGINFOD_CACHE_PATH=" + (dir.path / "client").string(), "LD_DEBUG=libs",
                                            GMR_BINARY, "dump", "--no-cache", pid});
  CHECK(with.exit_code == 0);
  CHECK(with.err.find("libdebuginfod") != std::string::npos);
}

}  // TEST_SUITE
