// The sorted symbol table against binutils' nm (every exported function of libc) and elfutils'
// eu-addr2line -S (which names addresses with libdwfl's own dwfl_module_addrinfo).
#include <doctest/doctest.h>

#include <dlfcn.h>

#include <chrono>
#include <map>
#include <sstream>

#include "support/process.hpp"
#include "symbolize/build_id.hpp"
#include "symbolize/snapshot_dwfl.hpp"
#include "symbolize/symbol_table.hpp"
#include "support/self_snapshot.hpp"

namespace {

using namespace gmr;
using namespace std::chrono_literals;

struct NmSymbol {
  std::uint64_t value = 0;
  std::uint64_t size = 0;
  std::string name;
};

// `nm -D -S --defined-only`: "VALUE SIZE TYPE NAME" for text symbols (T, W, i) with a size.
std::vector<NmSymbol> exported_functions(const std::string& path) {
  const auto nm = test::run_command({"nm", "-D", "-S", "--defined-only", path});
  REQUIRE(nm.exit_code == 0);
  std::vector<NmSymbol> out;
  std::istringstream lines(nm.out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string value, size, type, name;
    if (!(fields >> value >> size >> type >> name)) continue;
    if (type != "T" && type != "W" && type != "i") continue;
    out.push_back({std::stoull(value, nullptr, 16), std::stoull(size, nullptr, 16), name});
  }
  return out;
}

}  // namespace

TEST_SUITE("symbolize::symbol_table") {

TEST_CASE("every exported libc function is found at its start and its last byte, never past its end") {
  const attach::Snapshot snapshot = test::self_snapshot();
  const std::string libc = test::mapped_path_ending(snapshot, "/libc.so.6");
  REQUIRE(!libc.empty());
  auto session = symbolize::SnapshotDwfl::open(snapshot, test::self_files());
  REQUIRE(session.has_value());
  Dwfl_Module* module = symbolize::find_module((*session)->dwfl(), libc);
  REQUIRE(module != nullptr);
  GElf_Addr bias = 0;
  REQUIRE(dwfl_module_getelf(module, &bias) != nullptr);

  const auto started = std::chrono::steady_clock::now();
  const symbolize::SymbolTable table = symbolize::SymbolTable::build(module);
  const auto took = std::chrono::steady_clock::now() - started;
  MESSAGE("libc symbol table: ", table.size(), " functions, built in ",
          std::chrono::duration_cast<std::chrono::microseconds>(took).count(), " us");

  const auto functions = exported_functions(libc);
  REQUIRE(functions.size() > 1000);
  std::size_t checked = 0;
  for (const NmSymbol& f : functions) {
    if (f.size == 0) continue;
    INFO(f.name, " at 0x", std::hex, f.value, " size 0x", f.size);
    const auto at_start = table.lookup(bias + f.value);
    REQUIRE(at_start.has_value());
    CHECK(at_start->start == bias + f.value);
    const auto at_end = table.lookup(bias + f.value + f.size - 1);
    REQUIRE(at_end.has_value());
    CHECK(at_end->start == bias + f.value);
    if (const auto past = table.lookup(bias + f.value + f.size)) CHECK(past->start != bias + f.value);
    ++checked;
  }
  CHECK(checked > 1000);
}

TEST_CASE("aliases are named as libdwfl's dwfl_module_addrinfo names them (eu-addr2line -S)") {
  const attach::Snapshot snapshot = test::self_snapshot();
  const std::string libc = test::mapped_path_ending(snapshot, "/libc.so.6");
  auto session = symbolize::SnapshotDwfl::open(snapshot, test::self_files());
  REQUIRE(session.has_value());
  Dwfl_Module* module = symbolize::find_module((*session)->dwfl(), libc);
  REQUIRE(module != nullptr);
  GElf_Addr bias = 0;
  REQUIRE(dwfl_module_getelf(module, &bias) != nullptr);
  const symbolize::SymbolTable table = symbolize::SymbolTable::build(module);

  // Functions with public and internal aliases; offsets into them too. Looked up in libc itself: with
  // AddressSanitizer, RTLD_DEFAULT finds its interceptors (read, malloc…) in the test binary first.
  void* libc_handle = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  REQUIRE(libc_handle != nullptr);
  std::vector<std::uint64_t> offsets;
  for (const std::string name : {"nanosleep", "read", "pthread_mutex_lock", "pthread_cond_wait", "malloc", "poll",
                                 "sem_wait", "clone", "pthread_join", "sigwaitinfo", "fgetc", "__libc_start_main"}) {
    void* address = dlsym(libc_handle, name.c_str());
    INFO(name);
    REQUIRE(address != nullptr);
    offsets.push_back(reinterpret_cast<std::uint64_t>(address) - bias);
    offsets.push_back(reinterpret_cast<std::uint64_t>(address) - bias + 3);
  }
  std::vector<std::string> argv = {"eu-addr2line", "-S", "-e", libc};
  for (std::uint64_t offset : offsets) {
    std::ostringstream hex;
    hex << "0x" << std::hex << offset;
    argv.push_back(hex.str());
  }
  dlclose(libc_handle);
  const auto oracle = test::run_command(argv);
  REQUIRE(oracle.exit_code == 0);
  // Two lines per address: "symbol+0xOFF" (or "symbol" at +0), then the source position.
  std::istringstream lines(oracle.out);
  for (std::uint64_t offset : offsets) {
    std::string symbol_line, position_line;
    REQUIRE(std::getline(lines, symbol_line));
    REQUIRE(std::getline(lines, position_line));
    std::string expected = symbol_line.substr(0, symbol_line.find('+'));
    expected = expected.substr(0, expected.find('@'));
    const auto hit = table.lookup(bias + offset);
    INFO("offset 0x", std::hex, offset, ": eu-addr2line says ", symbol_line);
    REQUIRE(hit.has_value());
    CHECK(*hit->name == expected);
  }
}

TEST_CASE("addresses before the first function, or in no function, have no symbol") {
  const attach::Snapshot snapshot = test::self_snapshot();
  auto session = symbolize::SnapshotDwfl::open(snapshot, test::self_files());
  REQUIRE(session.has_value());
  Dwfl_Module* module = symbolize::find_module((*session)->dwfl(), *snapshot.exe_path);
  REQUIRE(module != nullptr);
  const symbolize::SymbolTable table = symbolize::SymbolTable::build(module);
  CHECK(table.size() > 100);
  CHECK_FALSE(table.lookup(0).has_value());
  CHECK_FALSE(table.lookup(1).has_value());
}

}  // TEST_SUITE
