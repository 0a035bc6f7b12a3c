// CuScopes must answer exactly what dwarf_getscopes + dwarf_getscopes_die answer, for every address of
// the line tables of real programs: the -O2 C++ fixture (inlined frames) and the C fixture.
#include <doctest/doctest.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "symbolize/cu_scopes.hpp"

namespace {

struct Compared {
  int addresses = 0;
  int with_scopes = 0;
  int inlined = 0;
};

Compared compare_with_libdw(const std::string& path) {
  Compared compared;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  Dwarf* dwarf = dwarf_begin(fd, DWARF_C_READ);
  REQUIRE(dwarf != nullptr);
  Dwarf_Off offset = 0, next = 0;
  std::size_t header_size = 0;
  while (dwarf_nextcu(dwarf, offset, &next, &header_size, nullptr, nullptr, nullptr) == 0) {
    Dwarf_Die cu;
    REQUIRE(dwarf_offdie(dwarf, offset + header_size, &cu) != nullptr);
    offset = next;
    Dwarf_Lines* lines = nullptr;
    std::size_t count = 0;
    if (dwarf_getsrclines(&cu, &lines, &count) != 0) continue;
    std::set<Dwarf_Addr> addresses;
    for (std::size_t i = 0; i < count; ++i) {
      Dwarf_Addr address = 0;
      if (dwarf_lineaddr(dwarf_onesrcline(lines, i), &address) == 0) addresses.insert(address);
    }
    gmr::symbolize::CuScopes scopes = gmr::symbolize::CuScopes::build(cu);
    for (Dwarf_Addr pc : addresses) {
      ++compared.addresses;
      INFO("CU at ", dwarf_dieoffset(&cu), ", pc ", pc);
      Dwarf_Die* expected = nullptr;
      const int n = dwarf_getscopes(&cu, pc, &expected);
      std::vector<Dwarf_Die> path = scopes.path(pc);
      if (n <= 0) {
        CHECK(path.empty());
        continue;
      }
      ++compared.with_scopes;
      REQUIRE(!path.empty());
      CHECK(dwarf_dieoffset(&path[0]) == dwarf_dieoffset(&expected[0]));
      // The concrete chain of the innermost DIE: dwarf_getscopes_die gives it up to the CU.
      Dwarf_Die* chain = nullptr;
      const int m = dwarf_getscopes_die(&path[0], &chain);
      REQUIRE(m == static_cast<int>(path.size()) + 1);
      for (std::size_t i = 0; i < path.size(); ++i) {
        CHECK(dwarf_dieoffset(&path[i]) == dwarf_dieoffset(&chain[i]));
        if (dwarf_tag(&path[i]) == DW_TAG_inlined_subroutine) ++compared.inlined;
      }
      std::free(chain);
      std::free(expected);
    }
  }
  dwarf_end(dwarf);
  close(fd);
  return compared;
}

}  // namespace

TEST_SUITE("symbolize::cu_scopes") {

TEST_CASE("every line-table address of the C++ fixture gets dwarf_getscopes' innermost DIE and chain") {
  const Compared compared = compare_with_libdw(gmr::test::fixture_path("fixture_threads_cpp"));
  CHECK(compared.with_scopes > 100);
  CHECK(compared.inlined > 0);  // the -O2 fixture has inlined calls: the chains are not trivial
}

TEST_CASE("every line-table address of the C fixture gets dwarf_getscopes' innermost DIE and chain") {
  const Compared compared = compare_with_libdw(gmr::test::fixture_path("fixture_threads_c"));
  CHECK(compared.with_scopes > 20);
}

}  // TEST_SUITE
