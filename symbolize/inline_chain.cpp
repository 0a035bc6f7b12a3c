#include "symbolize/inline_chain.hpp"

#include <dwarf.h>

#include "symbolize/demangle.hpp"

namespace gmr::symbolize {
namespace {

bool is_function(Dwarf_Die* die) {
  const int tag = dwarf_tag(die);
  return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine || tag == DW_TAG_entry_point;
}

std::optional<std::string> die_name(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  for (int at : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name})
    if (dwarf_attr_integrate(die, at, &attr) != nullptr)
      if (const char* linkage = dwarf_formstring(&attr)) return demangle(linkage);
  if (const char* name = dwarf_diename(die)) return std::string(name);
  return std::nullopt;
}

std::optional<Dwarf_Word> unsigned_attr(Dwarf_Die* die, int name) {
  Dwarf_Attribute attr;
  Dwarf_Word value = 0;
  if (dwarf_attr(die, name, &attr) == nullptr || dwarf_formudata(&attr, &value) != 0) return std::nullopt;
  return value;
}

SourcePosition call_site(Dwarf_Die* die) {
  SourcePosition position;
  if (auto line = unsigned_attr(die, DW_AT_call_line); line && *line != 0) position.line = static_cast<int>(*line);
  if (auto column = unsigned_attr(die, DW_AT_call_column); column && *column != 0)
    position.column = static_cast<int>(*column);
  Dwarf_Die cu;
  Dwarf_Files* files = nullptr;
  std::size_t nfiles = 0;
  if (auto index = unsigned_attr(die, DW_AT_call_file);
      index && dwarf_diecu(die, &cu, nullptr, nullptr) != nullptr && dwarf_getsrcfiles(&cu, &files, &nfiles) == 0 &&
      *index < nfiles)
    if (const char* file = dwarf_filesrc(files, *index, nullptr, nullptr)) position.file = file;
  return position;
}

}  // namespace

std::vector<FunctionScope> inline_chain(CuScopes& scopes, Dwarf_Addr dwarf_pc) {
  std::vector<FunctionScope> chain;
  // The innermost function DIE covering the address and the DIEs containing it (dwarf_getscopes, then
  // dwarf_getscopes_die on that DIE: the concrete callers, not an inlined function's abstract origin).
  std::vector<Dwarf_Die> path = scopes.path(dwarf_pc);
  for (Dwarf_Die& die : path) {
    if (!is_function(&die)) continue;
    FunctionScope scope;
    scope.name = die_name(&die);
    scope.inlined = dwarf_tag(&die) == DW_TAG_inlined_subroutine;
    if (scope.inlined) {
      scope.call_site = call_site(&die);
    } else {
      Dwarf_Addr entry = 0;
      if (dwarf_entrypc(&die, &entry) == 0) scope.entry_pc = entry;
    }
    chain.push_back(std::move(scope));
    if (!chain.back().inlined) break;  // the out-of-line function ends the chain
  }
  return chain;
}

SourcePosition line_at(Dwarf_Die cu, Dwarf_Addr dwarf_pc) {
  SourcePosition position;
  Dwarf_Line* line = dwarf_getsrc_die(&cu, dwarf_pc);
  if (line == nullptr) return position;
  if (const char* file = dwarf_linesrc(line, nullptr, nullptr)) position.file = file;
  int number = 0;
  if (dwarf_lineno(line, &number) == 0 && number != 0) position.line = number;
  int column = 0;
  if (dwarf_linecol(line, &column) == 0 && column != 0) position.column = column;
  return position;
}

}  // namespace gmr::symbolize
