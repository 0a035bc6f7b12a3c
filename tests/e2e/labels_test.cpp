// Labels the report gives that were wrong in the field: a package said "not known to dpkg" although dpkg
// was never asked, and "no gmr_config symbol" although another symbol was asked for.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace {

using namespace gmr::test;
using nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("e2e::labels") {

TEST_CASE("a target in another mount namespace: its package is not looked up, and the report says so") {
  Fixture f("fixture_config", {.args = {}, .prefix = {"unshare", "--mount", "--propagation", "private"}});
  const auto text = run_gmr({"dump", "--sections", "package", std::to_string(f.pid())});
  INFO(text.out, text.err);
  REQUIRE(text.exit_code == 0);
  CHECK(contains(text.out, "\npackage      = not looked up: other mount namespace or root\n"));
  CHECK_FALSE(contains(text.out, "not known to dpkg"));
  const auto as_json = run_gmr({"dump", "--json", std::to_string(f.pid())});
  REQUIRE(as_json.exit_code == 0);
  json doc = json::parse(as_json.out);
  CHECK(doc["package"]["debian_package"].is_null());
  CHECK(doc["package"]["debian_package_not_looked_up"] == "other_root");
}

TEST_CASE("a target sharing gmr's root is looked up: a file dpkg does not know is \"not known to dpkg\"") {
  Fixture f("fixture_config");
  const auto text = run_gmr({"dump", "--sections", "package", std::to_string(f.pid())});
  INFO(text.out, text.err);
  REQUIRE(text.exit_code == 0);
  CHECK(contains(text.out, "\npackage      = not known to dpkg\n"));
  const auto as_json = run_gmr({"dump", "--json", std::to_string(f.pid())});
  REQUIRE(as_json.exit_code == 0);
  CHECK(json::parse(as_json.out)["package"]["debian_package_not_looked_up"].is_null());
}

TEST_CASE("--config-symbol names the symbol it looked for when there is none") {
  Fixture f("fixture_config");
  const auto r = run_gmr({"dump", "--config-symbol", "nope", "--sections", "configuration", std::to_string(f.pid())});
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "no configuration found: no nope symbol and no sidecar file"));
  CHECK_FALSE(contains(r.out + r.err, "gmr_config"));
}

}  // TEST_SUITE
