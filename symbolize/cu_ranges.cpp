#include "symbolize/cu_ranges.hpp"

#include <algorithm>

namespace gmr::symbolize {

CuRanges CuRanges::build(Dwfl_Module* module) {
  CuRanges map;
  Dwarf_Addr bias = 0;
  for (Dwarf_Die* cu = dwfl_module_nextcu(module, nullptr, &bias); cu != nullptr;
       cu = dwfl_module_nextcu(module, cu, &bias)) {
    Dwarf_Addr base = 0, start = 0, end = 0;
    for (ptrdiff_t offset = 0; (offset = dwarf_ranges(cu, offset, &base, &start, &end)) > 0;)
      if (end > start) map.ranges_.push_back({start, end, *cu});
  }
  std::ranges::sort(map.ranges_, {}, &Range::start);
  return map;
}

std::optional<Dwarf_Die> CuRanges::find(Dwarf_Addr dwarf_pc) const {
  auto it = std::ranges::upper_bound(ranges_, dwarf_pc, {}, &Range::start);
  // Ranges of different CUs do not overlap in practice; look back a little in case they nest.
  for (int step = 0; step < 4 && it != ranges_.begin(); ++step) {
    --it;
    if (dwarf_pc < it->end) return it->cu;
  }
  return std::nullopt;
}

}  // namespace gmr::symbolize
