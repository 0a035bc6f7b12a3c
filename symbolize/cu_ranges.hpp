// Finding the CU of an address without .debug_aranges. elfutils 0.188 locates CUs (for dwfl_module_addrdie
// and dwfl_module_getsrc) only through .debug_aranges; compilers that omit it (clang by default) would lose
// every line and inline. This map is built from each CU's own DW_AT_ranges/low_pc/high_pc instead.
#pragma once

#include <elfutils/libdwfl.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace gmr::symbolize {

class CuRanges {
 public:
  /// Walks every CU of `module` once. Empty when the module has no DWARF.
  static CuRanges build(Dwfl_Module* module);

  /// The CU covering `dwarf_pc` (an address in the DWARF's own address space).
  std::optional<Dwarf_Die> find(Dwarf_Addr dwarf_pc) const;

  bool empty() const { return ranges_.empty(); }

 private:
  struct Range {
    Dwarf_Addr start = 0;
    Dwarf_Addr end = 0;
    Dwarf_Die cu{};
  };
  std::vector<Range> ranges_;  // sorted by start
};

}  // namespace gmr::symbolize
