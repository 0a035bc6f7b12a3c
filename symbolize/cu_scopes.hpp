// The scope DIEs of one CU that have addresses, read once. dwarf_getscopes and dwarf_getscopes_die walk the
// whole CU on every call: per frame, that is most of the time spent naming frames of programs with large
// CUs (template-heavy C++). This reads the CU's children once, and the children of a DIE only when an
// address first falls inside it, then answers from memory, with dwarf_getscopes' result.
#pragma once

#include <elfutils/libdw.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace gmr::symbolize {

class CuScopes {
 public:
  /// Reads `cu` as dwarf_getscopes does for any address: DIEs whose address ranges (DW_AT_low_pc/high_pc,
  /// DW_AT_ranges) exist, descending into those that may own scopes, imported (partial) units read in place.
  static CuScopes build(Dwarf_Die cu);

  /// The DIEs covering `dwarf_pc`, innermost first, outermost (a child of the CU) last: at each level the
  /// first DIE in DWARF order whose ranges hold the address, as dwarf_getscopes chooses. Since every DIE of
  /// the path is the parent of the one before, this is also dwarf_getscopes_die's chain for any of them
  /// (without the CU itself). Empty when no DIE covers the address.
  std::vector<Dwarf_Die> path(Dwarf_Addr dwarf_pc);

  std::size_t size() const { return nodes_.size(); }

 private:
  struct Node {
    Dwarf_Die die;
    int first_child = -1;
    int next_sibling = -1;
    std::uint32_t first_range = 0;
    std::uint32_t range_count = 0;
    bool may_own = false;   // a scope-owning tag with children
    bool expanded = false;  // its children have been read
    int import_depth = 0;
  };
  void add_children(Dwarf_Die* die, int parent, int& previous, int import_depth);
  bool covers(const Node& node, Dwarf_Addr pc) const;

  std::vector<Node> nodes_;                               // DWARF (preorder) order
  std::vector<std::pair<Dwarf_Addr, Dwarf_Addr>> ranges_; // [start, end) of every node, node by node
  int first_top_ = -1;                                    // the first child of the CU
};

}  // namespace gmr::symbolize
