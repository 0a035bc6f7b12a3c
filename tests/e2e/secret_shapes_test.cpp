// Sidecars of every shape an operator meets (JSON, YAML, openrc, a docker env-file, INI with a multi-host
// transport_url, redis.conf), through the real gmr binary: no planted secret reaches any output, every
// non-secret character does, and JSON says each block's shape and what was masked.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "support/json_schema.hpp"
#include "support/process.hpp"

namespace fs = std::filesystem;
using namespace gmr::test;

namespace {

struct Sidecar {
  std::string name;
  std::string content;
  std::string shape;                    // as JSON names it
  std::vector<std::string> shown;       // lines that must come through unchanged (text report: indented by 2)
};

// Every secret carries "PLANTED" so that one search finds any leak.
const std::vector<Sidecar> sidecars = {
    {"app.json",
     R"({"db": {"host": "db1", "password": "PLANTED-json-1"}, "credentials": {"user": "PLANTED-json-2"}, )"
     R"("dsn": "host=db password=PLANTED-json-3", "hosts": ["rabbit://u:PLANTED-json-4@mq1:5672,mq2:5672/"]})",
     "json",
     {R"({"db": {"host": "db1", "password": "***"}, "credentials": {"user": "***"}, )"
      R"("dsn": "host=db password=***", "hosts": ["rabbit://u:***@mq1:5672,mq2:5672/"]})"}},
    {"values.yaml",
     "database:\n  host: db1\n  password: PLANTED-yaml-1 # rotated monthly\nsecrets:\n  - PLANTED-yaml-2\n"
     "tls.key: |\n  -----BEGIN RSA PRIVATE KEY-----\n  PLANTED-yaml-3\n  -----END RSA PRIVATE KEY-----\n",
     "yaml",
     {"database:", "  host: db1", "  password: *** # rotated monthly", "  - ***", "  -----BEGIN RSA PRIVATE KEY-----",
      "  ***"}},
    {"openrc",
     "export OS_AUTH_URL=https://admin:PLANTED-env-1@keystone:5000/v3\nexport OS_USERNAME=admin\n"
     "read -sr OS_PASSWORD_INPUT\nexport OS_PASSWORD=$OS_PASSWORD_INPUT\nexport OS_TOKEN='PLANTED-env-2'\n",
     "env",
     {"export OS_AUTH_URL=https://admin:***@keystone:5000/v3", "export OS_PASSWORD=$OS_PASSWORD_INPUT",
      "export OS_TOKEN='***'"}},
    {"docker.env", "DB_HOST=db1\nDB_PASS=PLANTED env 3\nAPI_KEY=\n", "env", {"DB_HOST=db1", "DB_PASS=***", "API_KEY="}},
    {"nova.conf",
     "[DEFAULT]\ntransport_url = rabbit://u1:PLANTED-ini-1@h1:5672,u2:PLANTED-ini-2@h2:5672/vhost\n"
     "[database]\nconnection = mysql+pymysql://nova:PLANTED-ini-3@db1/nova\n",
     "ini",
     {"transport_url = rabbit://u1:***@h1:5672,u2:***@h2:5672/vhost", "connection = mysql+pymysql://nova:***@db1/nova"}},
    {"redis.conf", "bind 127.0.0.1\nrequirepass PLANTED-redis-1\nmasterauth \"PLANTED-redis-2\"\n", "text",
     {"bind 127.0.0.1", "requirepass ***", "masterauth \"***\""}},
};

struct SidecarDir {
  fs::path path;
  SidecarDir() {
    char tmpl[] = "/tmp/gmr-secret-shapes-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
    for (const auto& s : sidecars) std::ofstream(path / s.name) << s.content;
  }
  ~SidecarDir() { fs::remove_all(path); }
  std::vector<std::string> args(pid_t pid, std::vector<std::string> options) const {
    std::vector<std::string> out = {"dump"};
    for (auto& o : options) out.push_back(std::move(o));
    for (const auto& s : sidecars) {
      out.push_back("--sidecar");
      out.push_back((path / s.name).string());
    }
    out.push_back(std::to_string(pid));
    return out;
  }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("e2e::secret_shapes") {
  TEST_CASE("no planted secret in the text report, every non-secret character shown") {
    SidecarDir dir;
    Fixture f("fixture_config");
    const auto r = run_gmr(dir.args(f.pid(), {"--sections", "configuration"}));
    REQUIRE(r.exit_code == 0);
    CHECK_FALSE(contains(r.out, "PLANTED"));
    CHECK_FALSE(contains(r.err, "PLANTED"));
    for (const auto& s : sidecars) {
      CAPTURE(s.name);
      for (const auto& line : s.shown) {
        CAPTURE(line);
        CHECK(contains(r.out, "  " + line + "\n"));
      }
    }
    CHECK(contains(r.out, "format       = JSON\n"));
    CHECK(contains(r.out, "format       = YAML\nmasked       = 3: password, secrets, 1 private key\n"));
    CHECK(contains(r.out, "format       = shell environment (NAME=value)\nmasked       = 2: OS_TOKEN, 1 URL password\n"));
  }

  TEST_CASE("JSON: no planted secret, each block's shape and masks, --show-secrets shows all and masks nothing") {
    SidecarDir dir;
    Fixture f("fixture_config");
    const auto r = run_gmr(dir.args(f.pid(), {"--json", "--sections", "configuration"}));
    REQUIRE(r.exit_code == 0);
    const auto check = check_schema(r.out);
    CHECK_MESSAGE(check.valid, check.problems);
    CHECK_FALSE(contains(r.out, "PLANTED"));
    const auto doc = parse_json_lines(r.out).at(0);
    std::map<std::string, nlohmann::json> blocks;
    for (const auto& block : doc["configuration"])
      if (block["source"]["kind"] == "file") blocks[fs::path(block["source"]["name"].get<std::string>()).filename()] = block;
    REQUIRE(blocks.size() == sidecars.size());
    for (const auto& s : sidecars) {
      CAPTURE(s.name);
      const auto& block = blocks[s.name];
      CHECK(block["shape"] == s.shape);
      if (s.shape == "ini") {
        CHECK(block["masks"].empty());
        for (const auto& group : block["groups"])
          for (const auto& option : group["options"]) {
            CHECK(option["masked"] == true);
            CHECK(option["masks"].size() >= 1);
          }
      } else {
        CHECK(block["masks"].size() >= 1);
        for (const auto& mask : block["masks"])
          CHECK(block["text"].get<std::string>().substr(mask["offset"].get<std::size_t>(), 3) == "***");
      }
    }
    CHECK(blocks["nova.conf"]["groups"][0]["options"][0]["masks"] ==
          nlohmann::json::parse(R"([{"value": 0, "offset": 12, "reason": "url_password"},
                                    {"value": 0, "offset": 27, "reason": "url_password"}])"));

    const auto shown = run_gmr(dir.args(f.pid(), {"--json", "--show-secrets", "--sections", "configuration"}));
    REQUIRE(shown.exit_code == 0);
    for (const char* secret : {"PLANTED-json-1", "PLANTED-yaml-3", "PLANTED-env-1", "PLANTED env 3", "PLANTED-ini-2",
                               "PLANTED-redis-2"}) {
      CAPTURE(secret);
      CHECK(contains(shown.out, secret));
    }
    const auto shown_doc = parse_json_lines(shown.out).at(0);
    for (const auto& block : shown_doc.at("configuration")) CHECK(block.at("masks").empty());
  }
}
