// Finding gmr's known symbols before the freeze: gmr_config (or --config-symbol), gmr_version,
// gmr_product, gmr_vendor and every gmr_section_<Title>, in the executable or any loaded shared object,
// exported or local (.dynsym, .symtab, or the separate debug file's .symtab), with the read layout their
// DWARF type calls for (else the ELF symbol size, as a char array).
//
// Reads files only; `layout` comes from attach::read_layout() taken just before the freeze.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "attach/known_symbols.hpp"
#include "attach/snapshot.hpp"

namespace gmr::symbolize {

inline constexpr std::string_view section_symbol_prefix = "gmr_section_";

/// What to read while frozen: one entry per distinct name; the executable's definition wins, then the
/// first module in address order. A symbol whose type is not a string is planned with `refused` set.
std::vector<attach::SymbolRead> plan_known_symbols(const attach::Snapshot& layout, const std::string& config_symbol);

}  // namespace gmr::symbolize
