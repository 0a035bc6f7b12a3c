// What DWARF says about the function(s) at one address of one CU: the chain of inlined calls, innermost
// first, ending with the out-of-line function that contains them.
#pragma once

#include <elfutils/libdw.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "symbolize/cu_scopes.hpp"

namespace gmr::symbolize {

struct SourcePosition {
  std::optional<std::string> file;
  std::optional<int> line;
  std::optional<int> column;
};

struct FunctionScope {
  std::optional<std::string> name;       // demangled DW_AT_linkage_name, else DW_AT_name (through abstract origins)
  bool inlined = false;                  // a DW_TAG_inlined_subroutine
  SourcePosition call_site;              // inlined only: DW_AT_call_file/line/column, where the caller called it
  std::optional<std::uint64_t> entry_pc; // out-of-line only: DWARF address of the function's entry
};

/// The function scopes containing `dwarf_pc` (an address in the CU's own DWARF address space), innermost
/// first; the last is the DW_TAG_subprogram when DWARF has one. Empty when no function DIE covers it.
/// `scopes` is the CU's scope tree (built once per CU).
std::vector<FunctionScope> inline_chain(CuScopes& scopes, Dwarf_Addr dwarf_pc);

/// The line-table row for `dwarf_pc` in `cu`; all absent when the CU has no row for it.
SourcePosition line_at(Dwarf_Die cu, Dwarf_Addr dwarf_pc);

}  // namespace gmr::symbolize
