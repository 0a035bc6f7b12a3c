// Configuration read from the target's own memory (known symbols) — every layout, shared libraries,
// file-local statics, a stripped executable with a separate debug file, faults, truncation, tearing,
// package symbols and custom sections. In-process dumps give exact structures; the binary is used where
// the operator-visible output is the point.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "attach/capture.hpp"
#include "report/build/dump_session.hpp"
#include "support/process.hpp"
#include "support/report_view.hpp"

using namespace gmr;
using namespace gmr::test;

namespace {

report::Report dump_config(pid_t pid, const std::string& symbol, std::size_t max_bytes = 1024 * 1024) {
  report::DumpSession session(pid);
  attach::CaptureOptions options;
  options.symbols = session.plan_known_symbols(symbol);
  options.max_config_bytes = max_bytes;
  auto snapshot = attach::capture(pid, options);
  REQUIRE(snapshot);
  report::BuildOptions build;
  build.config_symbol = symbol;
  build.source_lines = false;
  return session.build(*snapshot, build);
}

const report::ConfigBlock& only_block(const report::Report& r) {
  REQUIRE(r.configuration.size() == 1);
  return r.configuration[0];
}

/// "group.key" → values, for compact assertions.
std::vector<std::string> values(const report::ConfigBlock& block, const std::string& group, const std::string& key) {
  for (const auto& g : block.groups)
    if (g.name == group)
      for (const auto& o : g.options)
        if (o.key == key) return o.values;
  return {{"<missing " + group + "." + key + ">"}};
}

std::string single(const report::ConfigBlock& block, const std::string& group, const std::string& key) {
  auto v = values(block, group, key);
  REQUIRE(v.size() == 1);
  return v[0];
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("e2e::config") {
  TEST_CASE("gmr_config: INI groups sorted, secrets and URL passwords masked, lists and continuations kept") {
    Fixture f("fixture_config");
    const auto r = dump_config(f.pid(), "gmr_config");
    const auto& b = only_block(r);
    CHECK(b.source.kind == report::ConfigSource::Kind::symbol);
    CHECK(b.source.name == "gmr_config");
    CHECK(b.source.type == "const char*");
    CHECK(basename_of(b.source.module) == "fixture_config");
    CHECK_FALSE(b.error);
    REQUIRE(b.groups.size() == 3);
    CHECK(b.groups[0].name == "DEFAULT");
    CHECK(b.groups[1].name == "database");
    CHECK(b.groups[2].name == "keystone_authtoken");
    CHECK(single(b, "DEFAULT", "admin_password") == "***");
    CHECK(b.groups[0].options[0].masked());
    CHECK(single(b, "DEFAULT", "debug") == "True");
    CHECK(single(b, "DEFAULT", "keystone_url") == "http://keystone:5000/v3");
    CHECK(single(b, "database", "connection") == "mysql+pymysql://nova:***@db.example:3306/nova");
    CHECK(single(b, "keystone_authtoken", "auth_token") == "***");
    CHECK(single(b, "keystone_authtoken", "key_manager") == "barbican");
    CHECK(values(b, "keystone_authtoken", "servers") == std::vector<std::string>{"alpha", "beta"});
    CHECK(single(b, "keystone_authtoken", "description") == "first line\nsecond line");
    std::vector<std::string> keys;
    for (const auto& o : b.groups[2].options) keys.push_back(o.key);
    CHECK(std::is_sorted(keys.begin(), keys.end()));
    CHECK_FALSE(r.secrets_shown);
  }

  TEST_CASE("every string layout: char array, char pointer, std::string short and long, string_view, file-local static") {
    Fixture f("fixture_config");
    struct Case {
      const char* symbol;
      const char* type;
      const char* kind;
    };
    for (const Case& c : {Case{"cfg_array", "char[256]", "array"}, Case{"cfg_pointer", "const char*", "pointer"},
                          Case{"cfg_long", "std::string", "long std::string that does not fit the sixteen-byte inline buffer"},
                          Case{"cfg_view", "std::string_view", "view"},
                          Case{"cfg_static", "char[36]", "file-local static"},
                          Case{"cfg_anonymous", "std::string", "unnamed namespace"}}) {
      CAPTURE(c.symbol);
      const auto r = dump_config(f.pid(), c.symbol);
      const auto& b = only_block(r);
      CHECK(b.source.type == c.type);
      CHECK_FALSE(b.error);
      CHECK(single(b, "DEFAULT", "kind") == c.kind);
    }
    const auto r = dump_config(f.pid(), "cfg_short");
    const auto& b = only_block(r);
    CHECK(b.source.type == "std::string");
    CHECK(b.groups.empty());
    CHECK(b.text == "short=1");
  }

  TEST_CASE("a symbol in a shared library is found there") {
    Fixture f("fixture_config");
    const auto r = dump_config(f.pid(), "cfg_in_library");
    const auto& b = only_block(r);
    CHECK(basename_of(b.source.module) == "libfixture_config_lib.so");
    CHECK(single(b, "DEFAULT", "from") == "library");
  }

  TEST_CASE("a stripped executable: symbols and types come from its separate debug file") {
    Fixture f("fixture_config_stripped");
    const auto r = dump_config(f.pid(), "gmr_config");
    const auto& b = only_block(r);
    CHECK(basename_of(b.source.module) == "fixture_config_stripped");
    CHECK(b.source.type == "const char*");
    CHECK(single(b, "DEFAULT", "debug") == "True");
    CHECK(r.package.product == "Fixture Service");
  }

  TEST_CASE("faults are reported in the section, and the rest of the report is unaffected") {
    Fixture f("fixture_config");
    struct Case {
      const char* symbol;
      const char* error;
    };
    for (const Case& c : {Case{"cfg_wild", "cfg_wild points to 0x10, which is not readable memory"},
                          Case{"cfg_null", "cfg_null is a null pointer"},
                          Case{"cfg_number", "cfg_number is not a string: its type is int"}}) {
      CAPTURE(c.symbol);
      const auto r = dump_config(f.pid(), c.symbol);
      const auto& b = only_block(r);
      CHECK(b.error == c.error);
      CHECK(b.groups.empty());
      CHECK_FALSE(b.text);
      CHECK(r.custom_sections.size() == 3);
      CHECK(r.package.version == "2024.1.0");
      REQUIRE(r.threads.size() == 1);
      CHECK(r.threads[0].frozen);
      CHECK_FALSE(r.threads[0].frames.empty());
    }
    const auto none = dump_config(f.pid(), "no_such_symbol");
    CHECK(none.configuration.empty());
  }

  TEST_CASE("--max-config-bytes truncates and says so") {
    Fixture f("fixture_config");
    const auto r = dump_config(f.pid(), "cfg_big", 100);
    const auto& b = only_block(r);
    CHECK(b.truncated);
    REQUIRE(b.text);
    CHECK(*b.text == std::string(100, 'x'));
    const auto pointer = dump_config(f.pid(), "gmr_config", 20);
    CHECK(only_block(pointer).truncated);
    CHECK(only_block(pointer).text == "# fixture_config\n[DE");
  }

  TEST_CASE("package symbols and custom sections, from the executable and a shared library") {
    Fixture f("fixture_config");
    const auto r = dump_config(f.pid(), "gmr_config");
    CHECK(r.package.product == "Fixture Service");
    CHECK(r.package.vendor == "gmr tests");
    CHECK(r.package.version == "2024.1.0");
    REQUIRE(r.custom_sections.size() == 3);
    CHECK(r.custom_sections[0].title == "Cache");
    CHECK(single(r.custom_sections[0].content, "memcache", "secret_key") == "***");
    CHECK(single(r.custom_sections[0].content, "memcache", "servers") == "10.0.0.1:11211");
    CHECK(r.custom_sections[1].title == "Library");
    CHECK(basename_of(r.custom_sections[1].content.source.module) == "libfixture_config_lib.so");
    CHECK(single(r.custom_sections[1].content, "pool", "backend_url") == "redis://cache:***@cache-host:6379/0");
    CHECK(r.custom_sections[2].title == "Workers");
    CHECK(r.custom_sections[2].content.text == "3 workers idle\nqueue depth: 0\npassword: ***\n");
  }

  TEST_CASE("configuration bytes rewritten by a busy thread never tear: they are read while frozen") {
    Fixture f("fixture_config");
    REQUIRE(f.command("spin") == "spinning");
    int stable = 0;
    for (int i = 0; i < 40; ++i) {
      CAPTURE(i);
      const auto r = dump_config(f.pid(), "cfg_live");
      const auto& b = only_block(r);
      REQUIRE(b.text);
      const std::string& live = *b.text;
      REQUIRE(live.size() == 4 + 65536);
      const std::string letters = live.substr(4);
      if (live[2] == '0') {
        ++stable;
        const auto first_other = letters.find_first_not_of(letters[0]);
        CHECK_MESSAGE(first_other == std::string::npos,
                      "torn while marked stable: '" << letters[0] << "' then '" << letters[first_other] << "' at " << first_other);
      } else {
        CHECK(live[2] == '1');
      }
    }
    MESSAGE(stable << " of 40 copies caught the writer between rewrites");
  }

  TEST_CASE("no secret value reaches any output format unless --show-secrets, which the report then states") {
    Fixture f("fixture_config");
    const std::vector<std::string> secrets = {"hunter2-default", "dbsecret-xyzzy", "tok-0123456789abcdef",
                                              "cache-s3cr3t", "libsecret", "plain-text-secret"};
    for (const char* format : {"text", "json"}) {
      CAPTURE(format);
      auto masked = run_gmr({"dump", "--format", format, std::to_string(f.pid())});
      REQUIRE(masked.exit_code == 0);
      CHECK(contains(masked.out, "***"));
      for (const auto& s : secrets) {
        CAPTURE(s);
        CHECK_FALSE(contains(masked.out, s));
        CHECK_FALSE(contains(masked.err, s));
      }
      CHECK_FALSE(contains(masked.out, "--show-secrets)"));
    }
    auto shown = run_gmr({"dump", "--show-secrets", std::to_string(f.pid())});
    REQUIRE(shown.exit_code == 0);
    for (const auto& s : secrets) {
      CAPTURE(s);
      CHECK(contains(shown.out, s));
    }
    CHECK(contains(shown.out, "secrets      = shown, not masked (--show-secrets)"));
  }

  TEST_CASE("--mask adds key patterns, a bad pattern is a usage error that leaves the target alone") {
    Fixture f("fixture_config");
    auto r = run_gmr({"dump", "--mask", "^max_pool", "--mask", "^debug$", std::to_string(f.pid())});
    REQUIRE(r.exit_code == 0);
    CHECK(contains(r.out, "  max_pool_size = ***\n"));
    CHECK(contains(r.out, "  debug = ***\n"));
    CHECK(contains(r.out, "  key_manager = barbican\n"));
    auto bad = run_gmr({"dump", "--mask", "(unclosed", std::to_string(f.pid())});
    CHECK(bad.exit_code == 64);
    CHECK(contains(bad.err, "gmr: --mask '(unclosed' is not a valid regular expression"));
    CHECK(f.command("spin") == "spinning");
  }

  TEST_CASE("the text layout of the Configuration and custom sections") {
    Fixture f("fixture_config");
    auto r = run_gmr({"dump", "--config-symbol", "cfg_array", std::to_string(f.pid())});
    REQUIRE(r.exit_code == 0);
    const std::string banner(72, '=');
    CHECK(contains(r.out, banner + "\n====                         Configuration                          ====\n" + banner +
                              "\nsource       = symbol cfg_array (char[256]) in "));
    CHECK(contains(r.out, "\n\nDEFAULT:\n  kind = array\n"));
    CHECK(contains(r.out, "====                             Cache                              ====\n"));
    CHECK(contains(r.out, "product      = Fixture Service\nvendor       = gmr tests\nversion      = 2024.1.0\n"));
    const auto config_at = r.out.find("Configuration  ");
    const auto processes_at = r.out.find("Processes  ");
    const auto cache_at = r.out.find("  Cache  ");
    CHECK(processes_at < config_at);
    CHECK(config_at < cache_at);
  }
}
