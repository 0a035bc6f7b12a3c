// A module's function symbols, sorted once so that each lookup is a binary search. libdwfl's own
// dwfl_module_addrinfo scans the whole table on every call (milliseconds on 200k-symbol libraries).
#pragma once

#include <elfutils/libdwfl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gmr::symbolize {

struct SymbolHit {
  const std::string* name;  // mangled, as in the symbol table (without @VERSION); owned by the table
  std::uint64_t start;      // run-time address (load bias applied)
};

class SymbolTable {
 public:
  /// Reads every function symbol of `module` (.symtab of the file or its debug file, else .dynsym, plus
  /// MiniDebugInfo), through dwfl_module_getsym_info. An unreadable table gives an empty one.
  static SymbolTable build(Dwfl_Module* module);

  /// The function containing run-time address `address`. A sized symbol covers [start, start+size); a
  /// size-0 one covers up to the next symbol (or the module's end). Of aliases at one address the one
  /// libdwfl's dwfl_module_addrinfo would name is kept. Names lose any "@VERSION" suffix.
  std::optional<SymbolHit> lookup(std::uint64_t address) const;

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::uint64_t start = 0;
    std::uint64_t end = 0;
    std::string name;
  };
  std::vector<Entry> entries_;  // sorted by start, disjoint
};

}  // namespace gmr::symbolize
