// A module's data-object symbols (STT_OBJECT, STT_COMMON), sorted once, for naming the address of a lock:
// "app::registry_lock", or "app::registry+0x10" for a field of a global struct. Function symbols stay in
// symbol_table.hpp; the two are kept apart so that a data address is never named after a function.
#pragma once

#include <elfutils/libdwfl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "symbolize/symbol_table.hpp"

namespace gmr::symbolize {

class DataSymbols {
 public:
  /// Every sized data-object symbol of `module` (.symtab, else .dynsym), run-time addresses. An unreadable
  /// table gives an empty one.
  static DataSymbols build(Dwfl_Module* module);

  /// The object whose [start, start+size) holds `address`. Of aliases at one address a global one wins.
  std::optional<SymbolHit> lookup(std::uint64_t address) const;

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::uint64_t start = 0;
    std::uint64_t end = 0;
    int binding_rank = 0;
    std::string name;
  };
  std::vector<Entry> entries_;  // sorted by start, aliases removed
};

}  // namespace gmr::symbolize
