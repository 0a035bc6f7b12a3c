// Configuration text of every shape gmr recognises (JSON, shell environment, YAML, text): the shape it is
// read as, and exactly what is masked — the secrets and nothing else.
#include <doctest/doctest.h>

#include <string>

#include "report/build/shaped_text.hpp"

using gmr::report::ConfigShape;
using gmr::report::MaskReason;
using gmr::report::SecretMask;

namespace {

struct Shaped {
  ConfigShape shape;
  std::string text;
  std::vector<gmr::report::TextMask> masks;
};

Shaped shaped(std::string_view text, bool cut = false) {
  auto s = gmr::report::mask_shaped_text(text, cut, SecretMask(true));
  return {s.shape, std::move(s.masked.text), std::move(s.masked.masks)};
}

std::vector<std::string> keys_of(const Shaped& s) {
  std::vector<std::string> keys;
  for (const auto& m : s.masks) keys.push_back(m.key.value_or("<none>"));
  return keys;
}

}  // namespace

TEST_SUITE("report::shaped_text") {
  TEST_CASE("JSON on one line: secret members masked inside their quotes, at any depth") {
    const auto s = shaped(
        R"({"db": {"password": "s3cr3t", "port": 5432, "url": "mysql://u:p@h/x"}, )"
        R"("credentials": {"user": "a", "pins": [1234, "x"]}, "enabled": true, "token": null, "api_key": "", )"
        R"("pass\u0077ord": "esc", "note": "a \"password\" word", "hosts": ["https:\/\/v:q@h2\/"]})");
    CHECK(s.shape == ConfigShape::json);
    CHECK(s.text ==
          R"({"db": {"password": "***", "port": 5432, "url": "mysql://u:***@h/x"}, )"
          R"("credentials": {"user": "***", "pins": [***, "***"]}, "enabled": true, "token": null, "api_key": "", )"
          R"("pass\u0077ord": "***", "note": "a \"password\" word", "hosts": ["https:\/\/v:***@h2\/"]})");
    CHECK(keys_of(s) == std::vector<std::string>{"password", "url", "credentials", "credentials", "credentials",
                                                 "password", "hosts"});
    REQUIRE(s.masks.size() == 7);
    CHECK(s.masks[1].reason == MaskReason::url_password);
    CHECK(s.masks[2].reason == MaskReason::secret_key);
  }

  TEST_CASE("JSON over several lines: a secret object's values masked, its keys and the layout kept") {
    const auto s = shaped("{\n  \"auth\": {\n    \"client_secret\": \"abc\",\n    \"scopes\": [\"a\", \"b\"]\n  },\n"
                          "  \"secrets\": {\n    \"k1\": \"v1\",\n    \"k2\": 2.5e3\n  }\n}\n");
    CHECK(s.shape == ConfigShape::json);
    CHECK(s.text == "{\n  \"auth\": {\n    \"client_secret\": \"***\",\n    \"scopes\": [\"a\", \"b\"]\n  },\n"
                    "  \"secrets\": {\n    \"k1\": \"***\",\n    \"k2\": ***\n  }\n}\n");
    REQUIRE(s.masks.size() == 3);
    CHECK(s.masks[0].line == 3);
    CHECK(s.masks[2].line == 8);
    CHECK(s.masks[2].key == "secrets");
  }

  TEST_CASE("JSON cut at --max-config-bytes is still JSON, a syntax error makes it text") {
    const auto cut = shaped("{\"user\": \"a\", \"password\": \"abcdef", true);
    CHECK(cut.shape == ConfigShape::json);
    CHECK(cut.text == "{\"user\": \"a\", \"password\": \"***");
    CHECK(shaped("{\"user\": \"a\", \"password\": \"abcdef").shape == ConfigShape::text);
    CHECK(shaped("{\"a\": 1,}").shape == ConfigShape::text);
    CHECK(shaped("{\"a\": 1} trailing").shape == ConfigShape::text);
    CHECK(shaped("{ not json").shape == ConfigShape::text);
    CHECK(shaped("\xEF\xBB\xBF [1, \"x\"]").shape == ConfigShape::json);
    CHECK(shaped(std::string(5000, '[')).shape == ConfigShape::text);  // deeper than gmr follows
  }

  TEST_CASE("JSON is tried before INI: a one-line array is not an INI group header") {
    CHECK(shaped("[\"DEFAULT\"]\n").shape == ConfigShape::json);
    const auto ini = gmr::report::mask_shaped_text("[DEFAULT]\npassword = x\n", false, SecretMask(true));
    CHECK(ini.shape == ConfigShape::ini);
    REQUIRE(ini.ini.size() == 1);
    CHECK(ini.ini[0].options[0].values == std::vector<std::string>{"x"});  // INI values are masked by the caller
  }

  TEST_CASE("shell environment (openrc): values as the shell reads them, references and comments stay") {
    const auto s = shaped(
        "#!/usr/bin/env bash\n"
        "export OS_AUTH_URL=http://keystone:5000/v3\n"
        "export OS_USERNAME=\"admin\"\n"
        "echo \"Please enter your OpenStack Password: \"\n"
        "read -sr OS_PASSWORD_INPUT\n"
        "export OS_PASSWORD=$OS_PASSWORD_INPUT\n"
        "export OS_TOKEN=t0k3n # set by the job\n"
        "export OS_CLIENT_SECRET='two\n  lines'\n"
        "if [ -z \"$OS_REGION_NAME\" ]; then unset OS_REGION_NAME; fi\n"
        "A=1 DB_PASSWORD=\"x y\" OTHER=amqp://u:p@h ./run\n");
    CHECK(s.shape == ConfigShape::env);
    CHECK(s.text ==
          "#!/usr/bin/env bash\n"
          "export OS_AUTH_URL=http://keystone:5000/v3\n"
          "export OS_USERNAME=\"admin\"\n"
          "echo \"Please enter your OpenStack Password: \"\n"
          "read -sr OS_PASSWORD_INPUT\n"
          "export OS_PASSWORD=$OS_PASSWORD_INPUT\n"
          "export OS_TOKEN=*** # set by the job\n"
          "export OS_CLIENT_SECRET='***\n***'\n"
          "if [ -z \"$OS_REGION_NAME\" ]; then unset OS_REGION_NAME; fi\n"
          "A=1 DB_PASSWORD=\"***\" OTHER=amqp://u:***@h ./run\n");
    CHECK(keys_of(s) == std::vector<std::string>{"OS_TOKEN", "OS_CLIENT_SECRET", "OS_CLIENT_SECRET", "DB_PASSWORD", "OTHER"});
  }

  TEST_CASE("KEY=value files (.env, systemd EnvironmentFile, docker --env-file)") {
    const auto s = shaped("# app\nDB_HOST=db\nDB_PASSWORD=with spaces  \nAPI_TOKEN=\nSECRET_KEY=${VAULT_SECRET}\n");
    CHECK(s.shape == ConfigShape::env);
    CHECK(s.text == "# app\nDB_HOST=db\nDB_PASSWORD=***  \nAPI_TOKEN=\nSECRET_KEY=${VAULT_SECRET}\n");
    // Not an environment file: a command that is no assignment, and nothing exported.
    CHECK(shaped("A=1\nrun this\n").shape == ConfigShape::text);
    CHECK(shaped("A = 1\n").shape == ConfigShape::text);
  }

  TEST_CASE("YAML: secret scalars of every style, everything nested under a secret key, embedded files") {
    const auto s = shaped(
        "# app\n"
        "database:\n"
        "  host: db\n"
        "  password: \"s3cr3t\"   # quoted\n"
        "  url: postgres://app:pw@db/app\n"
        "api_token: abc123 # comment\n"
        "credentials:\n"
        "  user: admin\n"
        "  keys:\n"
        "    - k1\n"
        "    - 'k2'\n"
        "secrets:\n"
        "- one\n"
        "- {a: 1, b: 2}\n"
        "tls_key_passphrase: |-\n"
        "  line1\n"
        "\n"
        "  line2\n"
        "ssh_private_key: !!binary &anchor abc\n"
        "empty_password:\n"
        "null_token: ~\n"
        "alias_secret: *anchor\n"
        "configmap:\n"
        "  app.conf: |\n"
        "    [DEFAULT]\n"
        "    admin_password = hunter2\n"
        "    transport_url = rabbit://u:p@h/\n"
        "db_password: \"first\n"
        "  second\"\n"
        "---\n"
        "list:\n"
        "  - name: a\n"
        "    password: pw1\n"
        "  - name: b\n");
    CHECK(s.shape == ConfigShape::yaml);
    CHECK(s.text ==
          "# app\n"
          "database:\n"
          "  host: db\n"
          "  password: \"***\"   # quoted\n"
          "  url: postgres://app:***@db/app\n"
          "api_token: *** # comment\n"
          "credentials:\n"
          "  user: ***\n"
          "  keys:\n"
          "    - ***\n"
          "    - '***'\n"
          "secrets:\n"
          "- ***\n"
          "- {***}\n"
          "tls_key_passphrase: |-\n"
          "  ***\n"
          "\n"
          "  ***\n"
          "ssh_private_key: !!binary &anchor ***\n"
          "empty_password:\n"
          "null_token: ~\n"
          "alias_secret: *anchor\n"
          "configmap:\n"
          "  app.conf: |\n"
          "    [DEFAULT]\n"
          "    admin_password = ***\n"
          "    transport_url = rabbit://u:***@h/\n"
          "db_password: \"***\n"
          "  ***\"\n"
          "---\n"
          "list:\n"
          "  - name: a\n"
          "    password: ***\n"
          "  - name: b\n");
    CHECK(keys_of(s) == std::vector<std::string>{"password", "url", "api_token", "credentials", "credentials",
                                                 "credentials", "secrets", "secrets", "tls_key_passphrase",
                                                 "tls_key_passphrase", "ssh_private_key", "admin_password",
                                                 "transport_url", "db_password", "db_password", "password"});
  }

  TEST_CASE("not YAML: tabs in indentation, a line that belongs to no key, a flow collection left open") {
    CHECK(shaped("a: 1\nb:\n\tc: 2\n").shape == ConfigShape::text);
    CHECK(shaped("just words\nkey: value\n").shape == ConfigShape::text);
    CHECK(shaped("a: [1, 2\nb: 3\n").shape == ConfigShape::text);
    CHECK(shaped("? complex\n: key\n").shape == ConfigShape::text);
    CHECK(shaped("role: master\nconnected_slaves: 0\n").shape == ConfigShape::yaml);
  }

  TEST_CASE("pairs inside values: connection strings, URL queries, options, JSON inside a variable") {
    const auto env = shaped("export SPRING_APPLICATION_JSON='{\"db\":{\"password\":\"x1\",\"user\":\"u\"}}'\n"
                            "export PGOPTS=\"host=db user=app password='s p' dbname=app\"\n");
    CHECK(env.shape == ConfigShape::env);
    CHECK(env.text == "export SPRING_APPLICATION_JSON='{\"db\":{\"password\":\"***\",\"user\":\"u\"}}'\n"
                      "export PGOPTS=\"host=db user=app password='***' dbname=app\"\n");
    const auto yaml = shaped("args: [\"--password=x2\", \"-v\"]\nendpoint: https://api/x?api_key=K3Y&format=json\n");
    CHECK(yaml.text == "args: [\"--password=***\", \"-v\"]\nendpoint: https://api/x?api_key=***&format=json\n");
    const auto text = shaped("odbc Driver={x};Server=h;Uid=u;Pwd=p4ss;\nrun --token=abc --verbose a==b\n");
    CHECK(text.shape == ConfigShape::text);
    CHECK(text.text == "odbc Driver={x};Server=h;Uid=u;Pwd=***;\nrun --token=*** --verbose a==b\n");
    CHECK(keys_of(text) == std::vector<std::string>{"Pwd", "--token"});
  }

  TEST_CASE("PEM private keys, whatever key holds them, certificates stay") {
    const auto yaml = shaped(
        "tls.crt: |\n  -----BEGIN CERTIFICATE-----\n  MIIC\n  -----END CERTIFICATE-----\n"
        "tls.key: |\n  -----BEGIN RSA PRIVATE KEY-----\n  MIIE\n  abcd\n  -----END RSA PRIVATE KEY-----\n");
    CHECK(yaml.shape == ConfigShape::yaml);
    CHECK(yaml.text ==
          "tls.crt: |\n  -----BEGIN CERTIFICATE-----\n  MIIC\n  -----END CERTIFICATE-----\n"
          "tls.key: |\n  -----BEGIN RSA PRIVATE KEY-----\n  ***\n  ***\n  -----END RSA PRIVATE KEY-----\n");
    REQUIRE(yaml.masks.size() == 2);
    CHECK(yaml.masks[0].reason == MaskReason::private_key);
    CHECK_FALSE(yaml.masks[0].key);
    const auto json = shaped("{\"key\": \"-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n\"}");
    CHECK(json.text == "{\"key\": \"-----BEGIN PRIVATE KEY-----***-----END PRIVATE KEY-----\\n\"}");
    const auto cut = shaped("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\nbnNz", true);
    CHECK(cut.text == "-----BEGIN OPENSSH PRIVATE KEY-----\n***\n***");
    const auto ini = gmr::report::mask_value("tls", "-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----",
                                             SecretMask(true));
    CHECK(ini.text == "-----BEGIN EC PRIVATE KEY-----\n***\n-----END EC PRIVATE KEY-----");
  }
}
