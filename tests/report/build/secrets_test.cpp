#include <doctest/doctest.h>

#include "report/build/masked_text.hpp"
#include "report/build/secrets.hpp"
#include "report/build/shaped_text.hpp"
#include "report/build/url_userinfo.hpp"

using gmr::report::mask_free_text;
using gmr::report::SecretMask;

namespace {

/// `text` with its URL passwords masked.
std::string mask_url_passwords(std::string_view text) {
  return gmr::report::apply_spans(text, gmr::report::url_password_spans(text)).text;
}

std::string value(const SecretMask& mask, std::string_view key, std::string_view v) {
  return gmr::report::mask_value(key, v, mask).text;
}

}  // namespace

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

  TEST_CASE("short secret words count as whole words, redis's own names for its passwords") {
    const SecretMask mask(true);
    for (const char* key : {"DB_PASS", "dbPass", "smtp-pass", "MYSQL_PWD", "pwd_file_not", "requirepass", "masterauth",
                            "PassThrough", "PWD"}) {
      CAPTURE(key);
      CHECK(mask.secret_key(key));
    }
    for (const char* key : {"OLDPWD", "bypass", "compass", "passenger_count", "cwd", "passes"}) {
      CAPTURE(key);
      CHECK_FALSE(mask.secret_key(key));
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

  TEST_CASE("multi-host URLs: every host kept, every password masked") {
    // oslo.messaging's transport_url, MongoDB and libpq list several hosts in one authority.
    CHECK(mask_url_passwords("rabbit://u1:p1@h1:5672,u2:p2@h2:5672/vhost") ==
          "rabbit://u1:***@h1:5672,u2:***@h2:5672/vhost");
    CHECK(mask_url_passwords("rabbit://h0:5672,u1:p1@h1:5672,h2/") == "rabbit://h0:5672,u1:***@h1:5672,h2/");
    CHECK(mask_url_passwords("mongodb://app:pw@m1:27017,m2:27017,m3:27017/db?replicaSet=rs") ==
          "mongodb://app:***@m1:27017,m2:27017,m3:27017/db?replicaSet=rs");
    CHECK(mask_url_passwords("amqp://u:p@[::1]:5672,v:q@[fe80::1]:5672/") == "amqp://u:***@[::1]:5672,v:***@[fe80::1]:5672/");
  }

  TEST_CASE("URL passwords with characters that should have been percent-encoded are masked whole") {
    CHECK(mask_url_passwords("mysql://u:p@ss@db/x") == "mysql://u:***@db/x");      // the last '@' ends it, as urlsplit
    CHECK(mask_url_passwords("mysql://u:p,ss@db/x") == "mysql://u:***@db/x");      // not a second host
    CHECK(mask_url_passwords("mysql://u:12,ab@db/x") == "mysql://u:***@db/x");
    CHECK(mask_url_passwords("mysql://u:p#ss@db/x") == "mysql://u:***@db/x");      // not a fragment
    CHECK(mask_url_passwords("mysql://u:p?ss@db/x") == "mysql://u:***@db/x");      // not a query
    CHECK(mask_url_passwords("'amqp://u:p@h'") == "'amqp://u:***@h'");              // quotes end a URL
    CHECK(mask_url_passwords("https:\\/\\/u:p@h\\/x") == "https:\\/\\/u:***@h\\/x");  // JSON's escaped slashes
    CHECK(mask_url_passwords("http://host:80/a?mail=x@y") == "http://host:80/a?mail=x@y");
  }

  TEST_CASE("values: secret keys become ***, other values keep everything but URL passwords") {
    const SecretMask mask(true);
    CHECK(value(mask, "password", "hunter2") == "***");
    CHECK(value(mask, "password", "") == "");  // unset, and the report says so
    CHECK(value(mask, "connection", "postgresql://app:pw@db/app") == "postgresql://app:***@db/app");
    CHECK(value(mask, "debug", "True") == "True");
  }

  TEST_CASE("free text: key lines and URLs, quotes, separators and white space stay") {
    const SecretMask mask(true);
    CHECK(mask_free_text("password: plain\nqueue: 3\n\"api_key\" = \"abc\"\nurl = amqp://g:pw@h\n", mask) ==
          "password: ***\nqueue: 3\n\"api_key\" = \"***\"\nurl = amqp://g:***@h\n");
  }

  TEST_CASE("extra patterns from --mask, and --show-secrets turning masking off") {
    const SecretMask extra(true, {std::regex("^pool_", std::regex::ECMAScript | std::regex::icase)});
    CHECK(extra.secret_key("POOL_size"));
    CHECK_FALSE(extra.secret_key("size_pool"));
    CHECK(extra.key_reason("POOL_size") == gmr::report::MaskReason::mask_pattern);
    CHECK(extra.key_reason("db_password") == gmr::report::MaskReason::secret_key);
    const SecretMask off(false);
    CHECK_FALSE(off.key_reason("password"));
    CHECK(value(off, "password", "hunter2") == "hunter2");
    CHECK(mask_free_text("password: x\nhttp://u:p@h", off) == "password: x\nhttp://u:p@h");
  }
}
