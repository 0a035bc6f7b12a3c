// Finding gmr's known symbols before the freeze: gmr_config (or --config-symbol), gmr_version,
// gmr_product, gmr_vendor and every gmr_section_<Title>, in the executable or any loaded shared object,
// exported or local (.dynsym, .symtab, or the separate debug file's .symtab), with the read layout their
// DWARF type calls for (else the ELF symbol size, as a char array).
//
// Reads files only, through the dump's libdwfl session opened over the layout read just before the freeze
// (attach::read_layout); the same session names the frames afterwards.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "attach/known_symbols.hpp"
#include "symbolize/snapshot_dwfl.hpp"

namespace gmr::symbolize {

inline constexpr std::string_view section_symbol_prefix = "gmr_section_";

/// What to read while frozen: one entry per distinct name; the executable's definition wins, then the
/// first module in address order. A symbol whose type is not a string is planned with `refused` set.
/// `executable`: the target's executable path as its maps name it (its definitions win).
std::vector<attach::SymbolRead> plan_known_symbols(SnapshotDwfl& session, const std::optional<std::string>& executable,
                                                   const std::string& config_symbol);

}  // namespace gmr::symbolize
