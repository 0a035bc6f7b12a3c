// Oracle: on a quiescent fixture, gmr's frames agree with elfutils' own `eu-stack -p PID -i` thread by
// thread — same number of frames, same pcs, same function names. Both unwind with libdwfl, so any
// difference is a bug in how gmr feeds it (registers, stack bytes, modules) or names frames.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdint>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/eu_stack.hpp"
#include "support/process.hpp"
#include "support/report_view.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;

// name -> values of the defined symbols of an ELF file and of its separate debug file (found by build-id
// under /usr/lib/debug/.build-id), as nm lists them (.symtab, and .dynsym with -D).
using SymbolTable = std::multimap<std::string, std::uint64_t>;

void add_nm_symbols(SymbolTable& table, const std::vector<std::string>& argv) {
  const RunResult nm = run_command(argv, 60s);
  std::istringstream in(nm.out);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string value, type, name;
    if (fields >> value >> type >> name) table.emplace(name, std::stoull(value, nullptr, 16));
  }
}

const SymbolTable& symbols_of(std::map<std::string, SymbolTable>& cache, const report::Frame& frame) {
  const std::string key = frame.module.value_or("") + "#" + frame.build_id.value_or("");
  auto found = cache.find(key);
  if (found != cache.end()) return found->second;
  SymbolTable& table = cache[key];
  if (frame.module) {
    add_nm_symbols(table, {"nm", "--defined-only", *frame.module});
    add_nm_symbols(table, {"nm", "-D", "--defined-only", *frame.module});
  }
  if (frame.build_id && frame.build_id->size() > 2) {
    const std::string debug =
        "/usr/lib/debug/.build-id/" + frame.build_id->substr(0, 2) + "/" + frame.build_id->substr(2) + ".debug";
    if (access(debug.c_str(), R_OK) == 0) add_nm_symbols(table, {"nm", "--defined-only", debug});
  }
  return table;
}

bool names_symbol_at(const SymbolTable& table, const std::string& name, std::uint64_t start) {
  auto [begin, end] = table.equal_range(name);
  for (auto it = begin; it != end; ++it)
    if (it->second == start) return true;
  return false;
}

void compare_with_eu_stack(const char* fixture_name) {
  std::map<std::string, SymbolTable> symbol_cache;
  Fixture fixture(fixture_name);
  const report::Report report = dump_in_process(fixture.pid());
  // The fixture is quiescent: every thread sits in the same blocking call (syscalls interrupted by the
  // first tracer are restarted or re-entered at the same pc), so the second tracer sees the same stacks.
  fixture.wait_quiescent(fixture.ready_threads());
  const RunResult oracle = run_command({"eu-stack", "-p", std::to_string(fixture.pid()), "-i"}, 60s);
  INFO("eu-stack stderr: ", oracle.err);
  REQUIRE(oracle.exit_code == 0);
  const auto expected = parse_eu_stack(oracle.out);

  REQUIRE(expected.size() == static_cast<std::size_t>(fixture.ready_threads()));
  REQUIRE(report.threads.size() == expected.size());
  for (const auto& [tid, frames] : expected) {
    const report::Thread* thread = find_thread(report, tid);
    REQUIRE_MESSAGE(thread != nullptr, "gmr has no thread ", tid);
    INFO(describe_frames(*thread));
    std::string oracle_text;
    for (const auto& f : frames) oracle_text += "  " + std::to_string(f.pc) + " " + f.function.value_or("??") + "\n";
    INFO("eu-stack:\n", oracle_text);
    // Frame count and pcs: no difference is allowed (same libdwfl unwinder, same inline expansion (-i),
    // same stop rule: the outermost frame is the one whose return address is undefined in its CFI,
    // clone3 or _start).
    CHECK(thread->frames.size() == frames.size());
    const std::size_t n = std::min(thread->frames.size(), frames.size());
    for (std::size_t i = 0; i < n; ++i) {
      INFO("frame #", i);
      const report::Frame& frame = thread->frames[i];
      CHECK(frame.pc == frames[i].pc);
      CHECK(frame.function.has_value() == frames[i].function.has_value());
      if (!frame.function || !frames[i].function || *frame.function == *frames[i].function) continue;
      // The one allowed difference: a real (not inlined) frame outside the fixture executable. eu-stack -i
      // names it by its DWARF subprogram (glibc: __GI___libc_read, ___pthread_mutex_lock,
      // __new_sem_wait_slow64), gmr by the ELF symbol at the function start (read, pthread_mutex_lock,
      // __new_sem_wait_slow64.constprop.0). Then gmr's name must be a symbol at exactly the frame's function
      // start (module_offset - function_offset), and eu-stack's name another symbol there (an alias), or the
      // function GCC cloned into gmr's symbol ("NAME.constprop.0", ".isra.0", ".part.0": DWARF keeps the
      // origin's name).
      INFO("gmr: ", *frame.function, "  eu-stack: ", *frames[i].function);
      const bool alias_allowed = !frame.inlined && basename_of(frame.module) != basename_of(fixture.path());
      REQUIRE_MESSAGE(alias_allowed, "different name for a fixture or inlined frame");
      REQUIRE(frame.module_offset.has_value());
      REQUIRE(frame.function_offset.has_value());
      const std::uint64_t start = *frame.module_offset - *frame.function_offset;
      const SymbolTable& table = symbols_of(symbol_cache, frame);
      CHECK_MESSAGE(names_symbol_at(table, *frame.function, start), "gmr's name is no symbol at the function start");
      const bool gcc_clone = frame.function->starts_with(*frames[i].function + ".");
      CHECK_MESSAGE((gcc_clone || names_symbol_at(table, *frames[i].function, start)),
                    "eu-stack's name is neither a symbol at gmr's function start nor the origin of its clone");
    }
  }
}

}  // namespace

TEST_SUITE("e2e::oracle") {

TEST_CASE("C fixture: every thread's pcs and function names equal eu-stack -i") {
  compare_with_eu_stack("fixture_threads_c");
}

TEST_CASE("C++ fixture: every thread's pcs and function names (inlined frames too) equal eu-stack -i") {
  compare_with_eu_stack("fixture_threads_cpp");
}

}  // TEST_SUITE
