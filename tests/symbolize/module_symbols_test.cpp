// The one symbol-table walk: kinds kept apart, versions dropped, undefined symbols left out.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "symbolize/module_symbols.hpp"
#include "symbolize/self_module.hpp"

using namespace gmr;

namespace {

bool has(const std::vector<symbolize::ModuleSymbol>& symbols, const std::string& name) {
  return std::any_of(symbols.begin(), symbols.end(), [&](const auto& s) { return s.name == name; });
}

}  // namespace

TEST_SUITE("symbolize::module_symbols") {
  TEST_CASE("without_version drops what follows the first '@', unless the name starts with it") {
    CHECK(symbolize::without_version("pthread_cond_wait@@GLIBC_2.3.2") == "pthread_cond_wait");
    CHECK(symbolize::without_version("memcpy@GLIBC_2.2.5") == "memcpy");
    CHECK(symbolize::without_version("plain") == "plain");
    CHECK(symbolize::without_version("") == "");
    CHECK(symbolize::without_version("@odd") == "@odd");
  }

  TEST_CASE("libc's walk: functions and data objects apart, defined only, names without versions") {
    const test::SelfModule libc("/libc.so.6");
    const auto functions = symbolize::module_symbols(libc.module, symbolize::SymbolKind::function);
    const auto data = symbolize::module_symbols(libc.module, symbolize::SymbolKind::data_object);
    CHECK(has(functions, "malloc"));
    CHECK_FALSE(has(functions, "stdout"));
    CHECK(has(data, "stdout"));
    CHECK_FALSE(has(data, "malloc"));
    // Objects libc uses but ld.so defines (undefined in libc's tables) are not walked.
    CHECK_FALSE(has(data, "_dl_argv"));
    CHECK_FALSE(has(data, "__libc_stack_end"));
    for (const auto* symbols : {&functions, &data}) {
      REQUIRE(!symbols->empty());
      for (const auto& s : *symbols) {
        CAPTURE(s.name);
        CHECK(!s.name.empty());
        CHECK(s.name.find('@') == std::string::npos);
        CHECK(s.binding_rank >= 0);
        CHECK(s.binding_rank <= 2);
        CHECK(s.index > 0);
      }
    }
    // libc defines pthread_cond_wait in two versions: both are walked, under one plain name.
    CHECK(std::count_if(functions.begin(), functions.end(), [](const auto& s) { return s.name == "pthread_cond_wait"; }) >= 2);
  }
}
