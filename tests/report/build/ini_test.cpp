#include <doctest/doctest.h>

#include "report/build/ini.hpp"

using gmr::report::parse_ini;

TEST_SUITE("report::ini") {
  TEST_CASE("groups, options, comments, continuation lines and repeated keys as oslo.config reads them") {
    auto groups = parse_ini(
        "# a comment\n"
        "[DEFAULT]\n"
        "debug = True\n"
        "; another comment\n"
        "name: value with = sign\n"
        "\n"
        "[db]\n"
        "hosts = a\n"
        "hosts = b\n"
        "text = first\n"
        "  second\n"
        "\tthird\n"
        "[DEFAULT]\n"
        "late = 1\r\n");
    REQUIRE(groups);
    REQUIRE(groups->size() == 2);
    const auto& def = (*groups)[0];
    CHECK(def.name == "DEFAULT");
    REQUIRE(def.options.size() == 3);
    CHECK(def.options[0].key == "debug");
    CHECK(def.options[0].values == std::vector<std::string>{"True"});
    CHECK(def.options[1].key == "name");
    CHECK(def.options[1].values == std::vector<std::string>{"value with = sign"});
    CHECK(def.options[2].key == "late");
    CHECK(def.options[2].values == std::vector<std::string>{"1"});
    const auto& db = (*groups)[1];
    REQUIRE(db.options.size() == 2);
    CHECK(db.options[0].values == std::vector<std::string>{"a", "b"});
    CHECK(db.options[1].values == std::vector<std::string>{"first\nsecond\nthird"});
  }

  TEST_CASE("empty values and keys with dots and dashes") {
    auto groups = parse_ini("[g]\nempty =\nx.y-z = 1\n");
    REQUIRE(groups);
    CHECK((*groups)[0].options[0].values == std::vector<std::string>{""});
    CHECK((*groups)[0].options[1].key == "x.y-z");
  }

  TEST_CASE("anything that is not INI is refused, so it is shown as text") {
    CHECK_FALSE(parse_ini(""));
    CHECK_FALSE(parse_ini("just some text\n"));
    CHECK_FALSE(parse_ini("key = value\n[g]\n"));     // an option before any header
    CHECK_FALSE(parse_ini("[g]\n  orphan continuation\n"));
    CHECK_FALSE(parse_ini("[g\nkey = 1\n"));
    CHECK_FALSE(parse_ini("[]\n"));
    CHECK_FALSE(parse_ini("[g]\n= no key\n"));
    CHECK_FALSE(parse_ini("[g]\nno separator here\n"));
    CHECK_FALSE(parse_ini("{\"json\": true}\n"));
  }

  TEST_CASE("a continuation after a blank line is not a continuation") {
    CHECK_FALSE(parse_ini("[g]\nk = v\n\n  indented\n"));
  }
}
