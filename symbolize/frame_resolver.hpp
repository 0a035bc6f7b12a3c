// Naming raw frames: module, symbol, inlined calls, file:line:col, source text. Each distinct raw frame is
// resolved once (threads of a pool share their pcs); each module's symbol table and each CU's scope tree
// are built once.
#pragma once

#include <elfutils/libdwfl.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "symbolize/named_frame.hpp"
#include "symbolize/cu_ranges.hpp"
#include "symbolize/cu_scopes.hpp"
#include "symbolize/source_lines.hpp"
#include "symbolize/symbol_table.hpp"
#include "symbolize/unwinder.hpp"

namespace gmr::symbolize {

class FrameResolver {
 public:
  /// `dwfl` must outlive the resolver. `sources` null: no source text.
  FrameResolver(Dwfl* dwfl, SourceLines* sources) : dwfl_(dwfl), sources_(sources) {}

  /// The frames for `raw`, innermost (most deeply inlined) first, the out-of-line function last; `index`
  /// is left 0 for the caller to number. Never empty. The reference stays valid for the resolver's life.
  const std::vector<NamedFrame>& resolve(const RawFrame& raw);

  /// The modules (by name) whose CUs had to be found without .debug_aranges, for a note in the report.
  const std::set<std::string>& modules_without_aranges() const { return modules_without_aranges_; }

 private:
  struct ModuleInfo {
    std::string name;
    std::optional<Dwarf_Addr> elf_bias;  // absent: the ELF file could not be found
    std::optional<std::string> build_id;
    std::unique_ptr<SymbolTable> symbols;  // built on first use
    std::unique_ptr<CuRanges> cu_ranges;   // built only if a CU is not found through .debug_aranges
  };

  ModuleInfo& module_info(Dwfl_Module* module);
  std::optional<std::pair<Dwarf_Die, Dwarf_Addr>> find_cu(Dwfl_Module* module, ModuleInfo& info, std::uint64_t pc);
  std::vector<NamedFrame> resolve_uncached(const RawFrame& raw);
  CuScopes& scopes_of(Dwarf_Die cu);

  Dwfl* dwfl_;
  SourceLines* sources_;
  std::unordered_map<Dwfl_Module*, ModuleInfo> modules_;
  std::map<std::pair<std::uint64_t, bool>, std::vector<NamedFrame>> cache_;
  std::set<std::string> modules_without_aranges_;
  std::unordered_map<const void*, std::unique_ptr<CuScopes>> cu_scopes_;  // by the CU DIE's address
};

}  // namespace gmr::symbolize
