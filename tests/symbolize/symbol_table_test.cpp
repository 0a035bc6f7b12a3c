// The sorted symbol tables against binutils' nm (every exported function of libc), readelf (every exported
// data object of libc) and elfutils' eu-addr2line -S (which names addresses with libdwfl's own
// dwfl_module_addrinfo).
#include <doctest/doctest.h>

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <sstream>

#include "support/process.hpp"
#include "symbolize/self_module.hpp"
#include "symbolize/symbol_table.hpp"

namespace {

using namespace gmr;
using namespace std::chrono_literals;

struct ElfSymbol {
  std::uint64_t value = 0;
  std::uint64_t size = 0;
  std::string name;
};

// `nm -D -S --defined-only`: "VALUE SIZE TYPE NAME" for text symbols (T, W, i) with a size.
std::vector<ElfSymbol> exported_functions(const std::string& path) {
  const auto nm = test::run_command({"nm", "-D", "-S", "--defined-only", path});
  REQUIRE(nm.exit_code == 0);
  std::vector<ElfSymbol> out;
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

// `readelf --dyn-syms -W`: "NUM: VALUE SIZE TYPE BIND VIS NDX NAME" for defined OBJECT symbols with a size.
std::vector<ElfSymbol> exported_data_objects(const std::string& path) {
  const auto readelf = test::run_command({"readelf", "--dyn-syms", "-W", path});
  REQUIRE(readelf.exit_code == 0);
  std::vector<ElfSymbol> out;
  std::istringstream lines(readelf.out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string number, value, size, type, bind, visibility, section, name;
    if (!(fields >> number >> value >> size >> type >> bind >> visibility >> section >> name)) continue;
    if (type != "OBJECT" || section == "UND") continue;
    const std::uint64_t bytes = std::stoull(size, nullptr, 0);  // decimal, or 0x… when large
    if (bytes != 0) out.push_back({std::stoull(value, nullptr, 16), bytes, name.substr(0, name.find('@'))});
  }
  return out;
}

}  // namespace

// A data object of this test program, at a known address with a known size.
extern "C" {
std::uint64_t gmr_symbol_table_test_words[4] = {1, 2, 3, 4};
}

TEST_SUITE("symbolize::symbol_table") {

TEST_CASE("every exported libc function is found at its start and its last byte, never past its end") {
  const test::SelfModule libc("/libc.so.6");
  const auto started = std::chrono::steady_clock::now();
  const symbolize::SymbolTable table = symbolize::SymbolTable::functions(libc.module);
  const auto took = std::chrono::steady_clock::now() - started;
  MESSAGE("libc symbol table: ", table.size(), " functions, built in ",
          std::chrono::duration_cast<std::chrono::microseconds>(took).count(), " us");

  const auto functions = exported_functions(libc.path);
  REQUIRE(functions.size() > 1000);
  std::size_t checked = 0;
  for (const ElfSymbol& f : functions) {
    if (f.size == 0) continue;
    INFO(f.name, " at 0x", std::hex, f.value, " size 0x", f.size);
    const auto at_start = table.lookup(libc.bias + f.value);
    REQUIRE(at_start.has_value());
    CHECK(at_start->start == libc.bias + f.value);
    const auto at_end = table.lookup(libc.bias + f.value + f.size - 1);
    REQUIRE(at_end.has_value());
    CHECK(at_end->start == libc.bias + f.value);
    if (const auto past = table.lookup(libc.bias + f.value + f.size)) CHECK(past->start != libc.bias + f.value);
    ++checked;
  }
  CHECK(checked > 1000);
}

TEST_CASE("aliases are named as libdwfl's dwfl_module_addrinfo names them (eu-addr2line -S)") {
  const test::SelfModule libc("/libc.so.6");
  const symbolize::SymbolTable table = symbolize::SymbolTable::functions(libc.module);

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
    offsets.push_back(reinterpret_cast<std::uint64_t>(address) - libc.bias);
    offsets.push_back(reinterpret_cast<std::uint64_t>(address) - libc.bias + 3);
  }
  std::vector<std::string> argv = {"eu-addr2line", "-S", "-e", libc.path};
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
    const auto hit = table.lookup(libc.bias + offset);
    INFO("offset 0x", std::hex, offset, ": eu-addr2line says ", symbol_line);
    REQUIRE(hit.has_value());
    CHECK(*hit->name == expected);
  }
}

TEST_CASE("addresses before the first function, or in no function, have no symbol") {
  const test::SelfModule executable;
  const symbolize::SymbolTable table = symbolize::SymbolTable::functions(executable.module);
  CHECK(table.size() > 100);
  CHECK_FALSE(table.lookup(0).has_value());
  CHECK_FALSE(table.lookup(1).has_value());
}

}  // TEST_SUITE

TEST_SUITE("symbolize::symbol_table::data_objects") {

TEST_CASE("every exported libc data object is found at its start and its last byte, never past its end") {
  const test::SelfModule libc("/libc.so.6");
  const symbolize::SymbolTable table = symbolize::SymbolTable::data_objects(libc.module);
  // Versions of one object may share its address with different sizes (_sys_errlist@GLIBC_2.2.5 and
  // @GLIBC_2.4): one alias is kept, so an address is checked up to the smallest size and past the largest.
  std::map<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>> sizes;  // value -> smallest, largest
  for (const ElfSymbol& object : exported_data_objects(libc.path)) {
    auto [it, inserted] = sizes.try_emplace(object.value, object.size, object.size);
    it->second = {std::min(it->second.first, object.size), std::max(it->second.second, object.size)};
  }
  REQUIRE(sizes.size() > 50);
  for (const auto& [value, size] : sizes) {
    const auto [smallest, largest] = size;
    const std::uint64_t start = libc.bias + value;
    INFO("object at 0x", std::hex, value, " size 0x", smallest, "..0x", largest);
    const auto at_start = table.lookup(start);
    REQUIRE(at_start.has_value());
    CHECK(at_start->start == start);
    const auto at_end = table.lookup(start + smallest - 1);
    REQUIRE(at_end.has_value());
    CHECK(at_end->start == start);
    if (const auto past = table.lookup(start + largest)) CHECK(past->start != start);
  }
}

TEST_CASE("a global array of this program is named at every byte, and only data is named") {
  const test::SelfModule executable;
  const symbolize::SymbolTable data = symbolize::SymbolTable::data_objects(executable.module);
  const symbolize::SymbolTable functions = symbolize::SymbolTable::functions(executable.module);

  const auto start = reinterpret_cast<std::uint64_t>(&gmr_symbol_table_test_words[0]);
  for (std::uint64_t offset : {0, 8, 17, 31}) {
    const auto hit = data.lookup(start + offset);
    REQUIRE(hit.has_value());
    CHECK(*hit->name == "gmr_symbol_table_test_words");
    CHECK(hit->start == start);
  }
  const auto past = data.lookup(start + sizeof gmr_symbol_table_test_words);
  CHECK((!past || past->start != start));

  // A function's address is no data object's.
  const auto function = reinterpret_cast<std::uint64_t>(&exported_data_objects);
  const auto function_hit = functions.lookup(function);
  REQUIRE(function_hit.has_value());
  CHECK(function_hit->start == function);
  CHECK_FALSE(data.lookup(function).has_value());
}

}  // TEST_SUITE
