// A module's symbols of one kind, sorted once so that each lookup is a binary search. libdwfl's own
// dwfl_module_addrinfo scans the whole table on every call (milliseconds on 200k-symbol libraries).
// Functions name frames; data objects name the address of a lock ("app::registry_lock", or
// "app::registry+0x10" for a field of a global struct). The two are separate tables, so that a data
// address is never named after a function. Both are views of one walk (module_symbols.hpp).
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
  /// Every function symbol of `module`. A sized symbol covers [start, start+size) (cut at the next
  /// symbol); a size-0 one covers up to the next symbol (or the module's end). Of aliases at one address
  /// the one libdwfl's dwfl_module_addrinfo would name is kept: sized over size-0, global over weak over
  /// local, then table order.
  static SymbolTable functions(Dwfl_Module* module);

  /// Every sized data-object symbol of `module`, each covering [start, start+size). Of aliases at one
  /// address: global over weak over local, then the first name in byte order.
  static SymbolTable data_objects(Dwfl_Module* module);

  /// The symbol whose range holds run-time address `address`: of those starting at or below it, the
  /// nearest. Names lose any "@VERSION" suffix. An unreadable symbol table holds nothing.
  std::optional<SymbolHit> lookup(std::uint64_t address) const;

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::uint64_t start = 0;
    std::uint64_t end = 0;
    std::string name;
  };
  std::vector<Entry> entries_;  // sorted by start, one per address
};

}  // namespace gmr::symbolize
