// program_name(): what a report is named after — what the operator started, not what a symlink resolves to.
#include <doctest/doctest.h>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "report/render/folded_renderer.hpp"
#include "report/render/program_name.hpp"
#include "report/sample_reports.hpp"

using gmr::report::program_name;

namespace {

gmr::report::Report target(std::optional<std::string> comm, std::vector<std::string> argv,
                           std::optional<std::string> exe) {
  gmr::report::Report report;
  report.capture.pid = 77;
  report.capture.name = std::move(comm);
  report.capture.cmdline = std::move(argv);
  report.package.executable = std::move(exe);
  return report;
}

}  // namespace

TEST_SUITE("report::program_name") {
  TEST_CASE("a symlink's own name, not the executable it resolves to") {
    // Debian: /usr/bin/redis-server -> redis-check-rdb.
    CHECK(program_name(target("redis-server", {"/usr/bin/redis-server 127.0.0.1:6379"}, "/usr/bin/redis-check-rdb")) ==
          "redis-server");
  }

  TEST_CASE("a script, not its interpreter, a rewritten title keeps the program's name") {
    CHECK(program_name(target("nova-api", {"/usr/bin/python3", "/usr/bin/nova-api"}, "/usr/bin/python3.11")) ==
          "nova-api");
    CHECK(program_name(target("nginx", {"nginx: worker process"}, "/usr/sbin/nginx")) == "nginx");
    CHECK(program_name(target("postgres", {"postgres: app appdb [local] idle"}, "/usr/lib/postgresql/15/bin/postgres")) ==
          "postgres");
  }

  TEST_CASE("a process name the kernel cut at 15 bytes is completed from argv[0] or argv[1]") {
    CHECK(program_name(target("neutron-openvsw", {"/usr/bin/python3", "/usr/bin/neutron-openvswitch-agent"},
                              "/usr/bin/python3.11")) == "neutron-openvswitch-agent");
    CHECK(program_name(target("fixture_threads", {"/build/tests/fixtures/fixture_threads_c"}, std::nullopt)) ==
          "fixture_threads_c");
    // Not completed from an argument that is some other program, nor when the name was not cut.
    CHECK(program_name(target("worker-pool-one", {"/usr/bin/supervisor", "-c", "x"}, std::nullopt)) ==
          "worker-pool-one");
    CHECK(program_name(target("nginx", {"/usr/sbin/nginx-debug"}, std::nullopt)) == "nginx");
  }

  TEST_CASE("without a process name: argv[0]'s base name, else the executable's, else nothing") {
    CHECK(program_name(target(std::nullopt, {"/usr/sbin/nginx", "-g", "daemon off;"}, "/usr/sbin/nginx")) == "nginx");
    CHECK(program_name(target(std::nullopt, {}, "/opt/my app/bin/my app")) == "my app");
    CHECK(program_name(target(std::nullopt, {}, std::nullopt)).empty());
  }

  TEST_CASE("the folded stacks' root frame is the program name too") {
    auto report = gmr::test::samples::rich_report();
    report.package.executable = "/usr/bin/redis-check-rdb";
    std::ostringstream out;
    gmr::report::render_folded(report, out);
    CHECK(out.str().starts_with("redis-server;"));
  }
}
