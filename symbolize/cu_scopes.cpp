#include "symbolize/cu_scopes.hpp"

#include <dwarf.h>

namespace gmr::symbolize {
namespace {

// The tags libdw descends into when looking for scopes: those that have addresses and may own more, and
// those without addresses that may own some.
bool may_own_scopes(int tag) {
  switch (tag) {
    case DW_TAG_compile_unit:
    case DW_TAG_module:
    case DW_TAG_lexical_block:
    case DW_TAG_with_stmt:
    case DW_TAG_catch_block:
    case DW_TAG_try_block:
    case DW_TAG_entry_point:
    case DW_TAG_inlined_subroutine:
    case DW_TAG_subprogram:
    case DW_TAG_namespace:
    case DW_TAG_class_type:
    case DW_TAG_structure_type:
      return true;
    default:
      return false;
  }
}

// Partial units import each other rarely and never deeply; the bound only stops a malformed cycle.
constexpr int max_import_depth = 16;

}  // namespace

CuScopes CuScopes::build(Dwarf_Die cu) {
  // Only the CU's children now; a DIE's own children when an address first falls inside it.
  CuScopes scopes;
  int previous = -1;
  scopes.add_children(&cu, -1, previous, 0);
  return scopes;
}

// Adds the children of `die` to `parent`'s list (-1: the CU's), after `previous`. A DIE without address
// ranges can never hold the address dwarf_getscopes looks for, so it (and all it owns) is left out, as
// dwarf_getscopes prunes it for every address.
void CuScopes::add_children(Dwarf_Die* die, int parent, int& previous, int import_depth) {
  Dwarf_Die child;
  if (dwarf_child(die, &child) != 0) return;
  do {
    const int tag = dwarf_tag(&child);
    if (tag == DW_TAG_imported_unit) {
      // Its children count as siblings of this DIE's other children.
      Dwarf_Attribute attr;
      Dwarf_Die unit;
      if (import_depth < max_import_depth && dwarf_attr(&child, DW_AT_import, &attr) != nullptr &&
          dwarf_formref_die(&attr, &unit) != nullptr)
        add_children(&unit, parent, previous, import_depth + 1);
      continue;
    }
    const auto first_range = static_cast<std::uint32_t>(ranges_.size());
    Dwarf_Addr base = 0, start = 0, end = 0;
    for (ptrdiff_t offset = 0; (offset = dwarf_ranges(&child, offset, &base, &start, &end)) > 0;)
      ranges_.emplace_back(start, end);
    if (ranges_.size() == first_range) continue;

    const int index = static_cast<int>(nodes_.size());
    nodes_.push_back({child, -1, -1, first_range, static_cast<std::uint32_t>(ranges_.size() - first_range),
                      may_own_scopes(tag) && dwarf_haschildren(&child) == 1, false, import_depth});
    if (previous >= 0) {
      nodes_[static_cast<std::size_t>(previous)].next_sibling = index;
    } else if (parent >= 0) {
      nodes_[static_cast<std::size_t>(parent)].first_child = index;
    } else {
      first_top_ = index;
    }
    previous = index;
  } while (dwarf_siblingof(&child, &child) == 0);
}

bool CuScopes::covers(const Node& node, Dwarf_Addr pc) const {
  for (std::uint32_t i = node.first_range; i < node.first_range + node.range_count; ++i)
    if (pc >= ranges_[i].first && pc < ranges_[i].second) return true;
  return false;
}

std::vector<Dwarf_Die> CuScopes::path(Dwarf_Addr dwarf_pc) {
  std::vector<Dwarf_Die> outermost_first;
  for (int i = first_top_; i >= 0;) {
    const auto at = static_cast<std::size_t>(i);
    if (!covers(nodes_[at], dwarf_pc)) {
      i = nodes_[at].next_sibling;
      continue;
    }
    outermost_first.push_back(nodes_[at].die);
    if (nodes_[at].may_own && !nodes_[at].expanded) {
      // First address inside this DIE: read its children now (add_children grows nodes_).
      nodes_[at].expanded = true;
      Dwarf_Die die = nodes_[at].die;
      int previous = -1;
      add_children(&die, i, previous, nodes_[at].import_depth);
    }
    i = nodes_[at].first_child;
  }
  return {outermost_first.rbegin(), outermost_first.rend()};
}

}  // namespace gmr::symbolize
