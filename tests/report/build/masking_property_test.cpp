// The masking contract as a property over generated configuration: for documents of every shape, built
// from random keys, values, quoting, nesting, comments and URLs, where each secret is a planted token,
// the masked text is exactly the document with each planted token replaced by "***" — no secret shown,
// no other character changed, added or lost. Fixed seeds: a failure names its seed and document.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "report/build/shaped_text.hpp"

using gmr::report::ConfigShape;
using gmr::report::SecretMask;

namespace {

/// A document and what masking must make of it.
struct Doc {
  std::string text;
  std::string expected;
  void lit(std::string_view s) {
    text += s;
    expected += s;
  }
  void secret(std::string_view s) {
    text += s;
    expected += "***";
  }
};

// Keys gmr must treat as secrets, and keys it must not (some only look like secrets).
const std::vector<std::string> secret_keys = {"password", "OS_PASSWORD", "db_pass", "apiToken", "client_secret",
                                              "MYSQL_PWD", "private_key", "requirepass", "auth-token"};
const std::vector<std::string> plain_keys = {"host", "port", "region_name", "debug", "compass", "bypass",
                                             "passenger_count", "user", "log_dir", "OS_AUTH_URL"};

class Gen {
 public:
  explicit Gen(unsigned seed) : rng_(seed) {}

  std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  bool coin() { return below(2) == 0; }
  const std::string& pick(const std::vector<std::string>& v) { return v[below(v.size())]; }

  /// Random bytes of `alphabet`, starting and ending with a letter. The alphabets lack 'p', 's' and 't' (no secret
  /// word can form), '=' and quotes (no key=value pair), '/' (no URL) and upper case (no PEM header).
  std::string from(std::string_view alphabet, std::size_t max = 12) {
    std::string out(1, "bdefghijklmnoqruvwxyz"[below(21)]);
    for (std::size_t n = below(max); n > 0; --n) out += below(16) == 0 ? std::string("\xC3\xA9") : std::string(1, alphabet[below(alphabet.size())]);
    if (out.back() == ' ') out += 'x';
    return out;
  }
  std::string word() { return from("bdefghijklmnoqruvwxyz0123456789._-,@%+"); }         // no blank: a shell word
  std::string phrase() { return from("bdefghijklmnoqruvwxyz0123456789._-,@%+ !?&;()[]{}"); }  // inside quotes
  std::string value() { return from("bdefghijklmnoqruvwxyz0123456789._-,@%+ !?&;"); }  // unquoted, blanks inside
  std::string token() { return "Zq" + std::to_string(++planted_) + from("ABCabc0123456789._-+%~^", 10); }

  /// A URL as a non-secret value: with passwords (planted), with a user only, or none.
  void url(Doc& d, bool json = false) {
    const std::string slash = json ? "\\/" : "/";
    switch (below(4)) {
      case 0:
        d.lit("rabbit:" + slash + slash + "u1:");
        d.secret(token());
        d.lit("@h1:5672,u2:");
        d.secret(token());
        d.lit("@h2:5672" + slash + "vhost");
        break;
      case 1:
        d.lit("mysql+pymysql:" + slash + slash + word() + ":");
        d.secret(token());
        d.lit("@db:3306" + slash + "nova?charset=utf8");
        break;
      case 2: d.lit("amqp:" + slash + slash + "user@h1:5672,h2:5672" + slash); break;
      default: d.lit("https:" + slash + slash + "keystone:5000" + slash + "v3"); break;
    }
  }

 private:
  std::mt19937 rng_;
  unsigned planted_ = 0;
};

std::string indent(std::size_t depth) { return std::string(2 * depth, ' '); }

void json_value(Gen& g, Doc& d, std::size_t depth, bool secret);

void json_object(Gen& g, Doc& d, std::size_t depth, bool secret) {
  const std::string nl = g.coin() ? "\n" : "";
  d.lit("{");
  for (std::size_t n = 1 + g.below(4), i = 0; i < n; ++i) {
    if (i > 0) d.lit(",");
    d.lit(nl.empty() ? " " : nl + indent(depth + 1));
    const bool secret_key = g.below(3) == 0;
    d.lit("\"" + (secret_key ? g.pick(secret_keys) : g.pick(plain_keys)) + "\":" + (g.coin() ? " " : ""));
    json_value(g, d, depth + 1, secret || secret_key);
  }
  d.lit(nl.empty() ? " }" : nl + indent(depth) + "}");
}

void json_value(Gen& g, Doc& d, std::size_t depth, bool secret) {
  const std::size_t kind = g.below(depth < 3 ? 7 : 5);
  if (secret && kind < 5) {
    if (kind < 4) {
      d.lit("\"");
      d.secret(g.token());
      d.lit("\"");
    } else {
      d.secret(std::to_string(g.below(1'000'000)));
    }
    return;
  }
  switch (kind) {
    case 0: d.lit("\"" + g.phrase() + "\\\"" + g.word() + "\\\\\\n\\u00e9\""); break;
    case 1: d.lit(std::to_string(g.below(100'000)) + (g.coin() ? ".5e3" : "")); break;
    case 2: d.lit(g.coin() ? "true" : "null"); break;
    case 3:
      d.lit("\"");
      g.url(d, g.coin());
      d.lit("\"");
      break;
    case 4: d.lit("\"" + g.phrase() + "\""); break;
    case 5: json_object(g, d, depth, secret); break;
    default:
      d.lit("[");
      for (std::size_t n = 1 + g.below(3), i = 0; i < n; ++i) {
        if (i > 0) d.lit(", ");
        json_value(g, d, depth + 1, secret);
      }
      d.lit("]");
  }
}

/// A YAML mapping at `depth`; every scalar below a secret key is a secret.
void yaml_mapping(Gen& g, Doc& d, std::size_t depth, bool secret) {
  for (std::size_t n = 1 + g.below(4), i = 0; i < n; ++i) {
    if (g.below(6) == 0) d.lit(indent(depth) + "# " + g.phrase() + "\n");
    const bool secret_key = g.below(3) == 0;
    const bool under_secret = secret || secret_key;
    d.lit(indent(depth) + (secret_key ? g.pick(secret_keys) : g.pick(plain_keys)) + ":");
    const std::size_t kind = g.below(depth < 2 ? 6 : 4);
    if (kind == 4) {
      d.lit("\n");
      yaml_mapping(g, d, depth + 1, under_secret);
      continue;
    }
    if (kind == 5) {
      d.lit("\n");
      for (std::size_t items = 1 + g.below(3); items > 0; --items) {
        d.lit(indent(depth + 1) + "- ");
        if (under_secret) d.secret(g.token()); else d.lit(g.value());
        d.lit("\n");
      }
      continue;
    }
    d.lit(" ");
    const std::string quote = kind == 1 ? "\"" : kind == 2 ? "'" : "";
    d.lit(quote);
    if (under_secret) {
      d.secret(g.token());
    } else if (kind == 3) {
      g.url(d);
    } else {
      d.lit(quote.empty() ? g.value() : g.phrase());
    }
    d.lit(quote);
    if (g.below(5) == 0) d.lit(" # " + g.phrase());
    d.lit("\n");
  }
}

void env_file(Gen& g, Doc& d, bool exported) {
  for (std::size_t n = 1 + g.below(8); n > 0; --n) {
    if (g.below(6) == 0) d.lit("# " + g.phrase() + "\n");
    if (g.below(8) == 0) d.lit("\n");
    const bool secret_key = g.below(3) == 0;
    std::string name = secret_key ? g.pick(secret_keys) : g.pick(plain_keys);
    std::ranges::replace(name, '-', '_');
    d.lit((exported ? "export " : "") + name + "=");
    const std::size_t kind = g.below(4);
    const std::string quote = kind == 1 ? "\"" : kind == 2 ? "'" : "";
    d.lit(quote);
    if (secret_key) {
      d.secret(g.token());
    } else if (kind == 3) {
      g.url(d);
    } else {
      d.lit(quote.empty() ? g.word() : g.phrase());
    }
    d.lit(quote);
    if (exported && g.below(5) == 0) d.lit(" # " + g.phrase());
    d.lit("\n");
  }
}

/// redis.conf-like directives: "name value…" lines, no separator.
void directives(Gen& g, Doc& d) {
  const std::vector<std::string> plain = {"bind", "save", "dir", "maxmemory", "appendonly", "replicaof"};
  for (std::size_t n = 1 + g.below(8); n > 0; --n) {
    if (g.below(5) == 0) d.lit("# " + g.phrase() + "\n");
    if (g.below(3) == 0) {
      d.lit(std::string(g.coin() ? "requirepass" : "masterauth") + " ");
      const std::string quote = g.coin() ? "\"" : "";
      d.lit(quote);
      d.secret(g.token());
      d.lit(quote + "\n");
    } else if (g.coin()) {
      d.lit(g.pick(plain) + " " + g.word() + " " + g.value() + "\n");
    } else {
      d.lit(g.pick(plain) + " ");
      g.url(d);
      d.lit(" " + g.word() + "\n");
    }
  }
}

std::string shape_name(ConfigShape shape) {
  switch (shape) {
    case ConfigShape::ini: return "ini";
    case ConfigShape::json: return "json";
    case ConfigShape::env: return "env";
    case ConfigShape::yaml: return "yaml";
    case ConfigShape::text: return "text";
  }
  return "?";
}

/// Every third document with Windows line ends.
Doc with_line_ends(Doc d, unsigned seed) {
  if (seed % 3 != 0) return d;
  auto crlf = [](const std::string& s) {
    std::string out;
    for (char c : s) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
    return out;
  };
  return {crlf(d.text), crlf(d.expected)};
}

void check_masked(const Doc& plain, unsigned seed, ConfigShape shape) {
  const Doc d = with_line_ends(plain, seed);
  CAPTURE(d.text);
  const auto shaped = gmr::report::mask_shaped_text(d.text, false, SecretMask(true));
  CHECK(shape_name(shaped.shape) == shape_name(shape));
  CHECK(shaped.masked.text == d.expected);
  CHECK(shaped.masked.masks.size() == static_cast<std::size_t>(std::ranges::count(d.expected, '*') / 3));
}

constexpr unsigned documents = 300;

}  // namespace

TEST_SUITE("report::masking_property") {
  TEST_CASE("JSON: exactly the planted secrets become ***") {
    for (unsigned seed = 1; seed <= documents; ++seed) {
      Gen g(seed);
      Doc d;
      json_object(g, d, 0, false);
      d.lit("\n");
      CAPTURE(seed);
      check_masked(d, seed, ConfigShape::json);
    }
  }

  TEST_CASE("YAML: exactly the planted secrets become ***") {
    for (unsigned seed = 1; seed <= documents; ++seed) {
      Gen g(seed);
      Doc d;
      if (g.coin()) d.lit("---\n");
      yaml_mapping(g, d, 0, false);
      CAPTURE(seed);
      check_masked(d, seed, ConfigShape::yaml);
    }
  }

  TEST_CASE("shell environment and KEY=value files: exactly the planted secrets become ***") {
    for (unsigned seed = 1; seed <= documents; ++seed) {
      Gen g(seed);
      Doc d;
      env_file(g, d, seed % 2 == 0);
      CAPTURE(seed);
      check_masked(d, seed, ConfigShape::env);
    }
  }

  TEST_CASE("text (directives, no known shape): exactly the planted secrets become ***") {
    for (unsigned seed = 1; seed <= documents; ++seed) {
      Gen g(seed);
      Doc d;
      directives(g, d);
      CAPTURE(seed);
      check_masked(d, seed, ConfigShape::text);
    }
  }

  TEST_CASE("INI: exactly the planted secrets become ***, in every value") {
    for (unsigned seed = 1; seed <= documents; ++seed) {
      Gen g(seed);
      std::string text;
      std::vector<std::string> expected;  // "key=masked value", in file order
      for (std::size_t groups = 1 + g.below(3), gi = 0; gi < groups; ++gi) {
        text += "[group" + std::to_string(gi) + "]\n";
        for (std::size_t n = 1 + g.below(5); n > 0; --n) {
          if (g.below(5) == 0) text += (g.coin() ? "# " : "; ") + g.phrase() + "\n";
          const bool secret_key = g.below(3) == 0;
          const std::string key = (secret_key ? g.pick(secret_keys) : g.pick(plain_keys)) + "_" + std::to_string(text.size());
          Doc v;
          if (secret_key) {
            v.secret(g.token());
          } else if (g.coin()) {
            g.url(v);
          } else {
            v.lit(g.value());
          }
          text += key + (g.coin() ? " = " : "=") + v.text + "\n";
          expected.push_back(key + "=" + v.expected);
        }
      }
      CAPTURE(seed);
      CAPTURE(text);
      const SecretMask mask(true);
      const auto shaped = gmr::report::mask_shaped_text(text, false, mask);
      REQUIRE(shape_name(shaped.shape) == "ini");
      std::vector<std::string> got;
      for (const auto& group : shaped.ini)
        for (const auto& option : group.options)
          for (const auto& value : option.values)
            got.push_back(option.key + "=" + gmr::report::mask_value(option.key, value, mask).text);
      CHECK(got == expected);
    }
  }
}
