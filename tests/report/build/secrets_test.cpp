#include <doctest/doctest.h>

#include "report/build/secrets.hpp"

using gmr::report::mask_url_passwords;
using gmr::report::SecretMask;

TEST_SUITE("report::secrets") {
  TEST_CASE("keys that name a secret, and keys that only look like one") {
    const SecretMask mask(true);
    for (const char* key : {"password", "admin_password", "DB_PASSWORD", "passwd", "ssh-passphrase", "secret",
                            "client_secret", "token", "auth_token", "X-Auth-Token", "credential", "credentials_file",
                            "private_key", "privateKey", "ssl-private-key", "api_key", "ApiKey", "access_key",
                            "aws_access_key_id", "secret_key"}) {
      CAPTURE(key);
      CHECK(mask.secret_key(key));
    }
    for (const char* key : {"keystone", "key_manager", "keyfile", "ssl_key_file", "monkey", "debug", "host",
                            "passes", "key", "public_key_path", "token_ttl_is_not"}) {
      CAPTURE(key);
      if (std::string(key) == "token_ttl_is_not") {
        CHECK(mask.secret_key(key));  // "token" anywhere in a key masks: erring on the safe side is intended
      } else {
        CHECK_FALSE(mask.secret_key(key));
      }
    }
  }

  TEST_CASE("URL passwords anywhere in a value or text") {
    CHECK(mask_url_passwords("mysql+pymysql://nova:s3cret@db:3306/nova") == "mysql+pymysql://nova:***@db:3306/nova");
    CHECK(mask_url_passwords("a amqp://u:p@h/ b redis://:onlypass@r:6379/0") == "a amqp://u:***@h/ b redis://:***@r:6379/0");
    CHECK(mask_url_passwords("http://user@host/path") == "http://user@host/path");
    CHECK(mask_url_passwords("http://host:8080/path") == "http://host:8080/path");
    CHECK(mask_url_passwords("x://u:p:q@h") == "x://u:***@h");
    CHECK(mask_url_passwords("no url here: a://") == "no url here: a://");
    CHECK(mask_url_passwords("://u:p@h") == "://u:p@h");
    CHECK(mask_url_passwords("") == "");
  }

  TEST_CASE("values: secret keys become ***, other values keep everything but URL passwords") {
    const SecretMask mask(true);
    CHECK(mask.value("password", "hunter2") == "***");
    CHECK(mask.value("connection", "postgresql://app:pw@db/app") == "postgresql://app:***@db/app");
    CHECK(mask.value("debug", "True") == "True");
  }

  TEST_CASE("free text: key lines and URLs") {
    const SecretMask mask(true);
    CHECK(mask.text("password: plain\nqueue: 3\n\"api_key\" = \"abc\"\nurl = amqp://g:pw@h\n") ==
          "password: ***\nqueue: 3\n\"api_key\" = ***\nurl = amqp://g:***@h\n");
  }

  TEST_CASE("extra patterns from --mask, and --show-secrets turning masking off") {
    const SecretMask extra(true, {std::regex("^pool_", std::regex::ECMAScript | std::regex::icase)});
    CHECK(extra.secret_key("POOL_size"));
    CHECK_FALSE(extra.secret_key("size_pool"));
    const SecretMask off(false);
    CHECK(off.value("password", "hunter2") == "hunter2");
    CHECK(off.text("password: x\nhttp://u:p@h") == "password: x\nhttp://u:p@h");
  }
}
