// Configuration blocks as the report builder makes them (config_block) and as JSON shows them: what was
// masked, where, and why; nothing but secrets changed.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>

#include "report/build/config_sections.hpp"
#include "report/render/config_text.hpp"
#include "report/render/json_renderer.hpp"
#include "report/sample_reports.hpp"
#include "support/json_schema.hpp"

using namespace gmr;
using nlohmann::json;

namespace {

report::ConfigSource file_source(const std::string& path) {
  report::ConfigSource source;
  source.kind = report::ConfigSource::Kind::file;
  source.name = path;
  source.found_by = "--sidecar";
  return source;
}

/// The JSON "configuration" array of a report holding these blocks, checked against the schema.
json configuration_json(std::vector<report::ConfigBlock> blocks) {
  report::Report r = test::samples::minimal_report();
  r.configuration = std::move(blocks);
  std::ostringstream out;
  report::write_json(report::report_json(r, report::SectionSet::all(), r.partial() ? 1 : 0), out);
  const auto check = test::check_schema(out.str());
  CHECK_MESSAGE(check.valid, check.problems);
  return json::parse(out.str())["configuration"];
}

}  // namespace

TEST_SUITE("report::config_masking") {
  TEST_CASE("INI: an option whose URL password was masked says so, with the place of each ***") {
    const report::SecretMask mask(true);
    const auto block = report::config_block(
        file_source("nova.conf"),
        "[DEFAULT]\ntransport_url = rabbit://u1:p1@h1:5672,u2:p2@h2:5672/vhost\ndebug = True\n"
        "[database]\nconnection = mysql://nova:pw@db/nova\npassword = x\npassword = y\n",
        false, mask);
    auto config = configuration_json({block});
    auto& defaults = config[0]["groups"][0]["options"];
    CHECK(defaults[0]["key"] == "debug");
    CHECK(defaults[0]["masked"] == false);
    CHECK(defaults[0]["masks"] == json::array());
    CHECK(defaults[1]["key"] == "transport_url");
    CHECK(defaults[1]["values"] == json::array({"rabbit://u1:***@h1:5672,u2:***@h2:5672/vhost"}));
    CHECK(defaults[1]["masked"] == true);
    CHECK(defaults[1]["masks"] == json::parse(R"([{"value": 0, "offset": 12, "reason": "url_password"},
                                                  {"value": 0, "offset": 27, "reason": "url_password"}])"));
    auto& database = config[0]["groups"][1]["options"];
    CHECK(database[0]["masks"] == json::parse(R"([{"value": 0, "offset": 13, "reason": "url_password"}])"));
    CHECK(database[1]["values"] == json::array({"***", "***"}));
    CHECK(database[1]["masks"] == json::parse(R"([{"value": 0, "offset": 0, "reason": "secret_key"},
                                                  {"value": 1, "offset": 0, "reason": "secret_key"}])"));
  }

  TEST_CASE("text: only the secret changes, quotes and separators stay, an empty value stays empty") {
    const report::SecretMask mask(true);
    const auto block = report::config_block(file_source("app.txt"),
                                            "just text\n\"api_key\" = \"abc\"\npassword:\n  token:   t0k  \r\n"
                                            "see amqp://g:pw@h for more\n",
                                            false, mask);
    REQUIRE(block.text);
    CHECK(*block.text == "just text\n\"api_key\" = \"***\"\npassword:\n  token:   ***  \r\nsee amqp://g:***@h for more\n");
    auto config = configuration_json({block});
    CHECK(config[0]["shape"] == "text");
    CHECK(config[0]["masks"] == json::parse(R"([
        {"line": 2, "offset": 23, "key": "api_key", "reason": "secret_key"},
        {"line": 4, "offset": 49, "key": "token", "reason": "secret_key"},
        {"line": 5, "offset": 69, "key": null, "reason": "url_password"}])"));
  }

  TEST_CASE("--mask patterns are named as the reason, --show-secrets masks nothing and records nothing") {
    const report::SecretMask extra(true, {std::regex("^pool", std::regex::ECMAScript | std::regex::icase)});
    auto masked = configuration_json({report::config_block(file_source("a.conf"), "[g]\npool_size = 5\n", false, extra)});
    CHECK(masked[0]["shape"] == "ini");
    CHECK(masked[0]["groups"][0]["options"][0]["masks"] ==
          json::parse(R"([{"value": 0, "offset": 0, "reason": "mask_pattern"}])"));
    const report::SecretMask off(false);
    auto shown = configuration_json(
        {report::config_block(file_source("a.conf"), "[g]\npassword = p\nurl = http://u:p@h\n", false, off),
         report::config_block(file_source("b.txt"), "password: p\n", false, off)});
    CHECK(shown[0]["groups"][0]["options"][0]["values"] == json::array({"p"}));
    CHECK(shown[0]["groups"][0]["options"][0]["masked"] == false);
    CHECK(shown[0]["groups"][0]["options"][1]["masks"] == json::array());
    CHECK(shown[1]["text"] == "password: p\n");
    CHECK(shown[1]["masks"] == json::array());
  }

  TEST_CASE("a block with nothing read has no shape") {
    report::ConfigBlock block = report::config_block(file_source("gone.conf"), std::nullopt, false, report::SecretMask(true));
    block.error = "cannot open 'gone.conf': No such file or directory";
    auto config = configuration_json({block});
    CHECK(config[0]["shape"] == nullptr);
    CHECK(config[0]["masks"] == json::array());
  }

  TEST_CASE("text report: each source says how it was read and what was masked") {
    report::Report r = test::samples::minimal_report();
    r.configuration = {report::config_block(file_source("openrc"),
                                            "export OS_AUTH_URL=http://u:p@keystone/v3\nexport OS_PASSWORD=a\n"
                                            "export OS_TOKEN=b\nexport OS_PASSWORD=c\n"
                                            "export CERT='-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----'\n",
                                            false, report::SecretMask(true)),
                       report::config_block(file_source("plain.txt"), "nothing secret\n", false, report::SecretMask(true))};
    std::ostringstream out;
    report::render_configuration(r, out);
    CHECK(out.str().find("source       = file openrc (--sidecar)\n"
                         "format       = shell environment (NAME=value)\n"
                         "masked       = 5: OS_PASSWORD, OS_TOKEN, 1 URL password, 1 private key\n") != std::string::npos);
    CHECK(out.str().find("source       = file plain.txt (--sidecar)\n"
                         "format       = text (no known shape: masked line by line)\n\n") != std::string::npos);
  }
}
