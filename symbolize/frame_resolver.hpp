// Naming raw frames: module, symbol, inlined calls, file:line:col, source text. Each distinct raw frame is
// resolved once (threads of a pool share their pcs); each module's symbol table and each CU's scope tree
// are built once. With a FrameCache, a pc resolved by an earlier dump is taken from it and the module's
// symbol table and DWARF are not touched. Equal texts of all the frames it names are one (a TextPool): a
// module's path and build id, a function, a file.
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
#include "symbolize/frame_cache.hpp"
#include "symbolize/source_lines.hpp"
#include "symbolize/symbol_table.hpp"
#include "symbolize/text_pool.hpp"
#include "symbolize/unwinder.hpp"

namespace gmr::symbolize {

class FrameResolver {
 public:
  /// `dwfl` must outlive the resolver; so must `cache` (null: no persistent cache). `sources` null: no
  /// source text.
  FrameResolver(Dwfl* dwfl, SourceLines* sources, FrameCache* cache = nullptr)
      : dwfl_(dwfl), sources_(sources), persistent_(cache) {}

  /// The frames for `raw`, innermost (most deeply inlined) first, the out-of-line function last; `index`
  /// is left 0 for the caller to number. Never empty. The reference stays valid for the resolver's life.
  const std::vector<NamedFrame>& resolve(const RawFrame& raw);

  /// The modules (by name) whose CUs had to be found without .debug_aranges, for a note in the report.
  const std::set<std::string>& modules_without_aranges() const { return modules_without_aranges_; }

 private:
  struct ModuleInfo {
    std::string name;
    SharedText shared_name;              // `name`, as the frames hold it
    std::optional<Dwarf_Addr> elf_bias;  // absent: the ELF file could not be found
    SharedText build_id;
    std::unique_ptr<SymbolTable> symbols;  // built on first use
    std::unique_ptr<CuRanges> cu_ranges;   // built only if a CU is not found through .debug_aranges
    std::optional<CacheFileIdentity> cache_identity;  // absent: not cached (no cache, no build id, no ELF)
  };

  ModuleInfo& module_info(Dwfl_Module* module);
  /// `without_aranges` is set when the CU had to be found without .debug_aranges.
  std::optional<std::pair<Dwarf_Die, Dwarf_Addr>> find_cu(Dwfl_Module* module, ModuleInfo& info, std::uint64_t pc,
                                                          bool& without_aranges);
  std::vector<NamedFrame> resolve_uncached(const RawFrame& raw);
  /// The frames of `raw` in `module` from its symbol table and DWARF, without source text.
  CachedPc resolve_in_module(Dwfl_Module* module, ModuleInfo& info, const RawFrame& raw);
  CuScopes& scopes_of(Dwarf_Die cu);

  Dwfl* dwfl_;
  SourceLines* sources_;
  FrameCache* persistent_;
  TextPool texts_;
  std::unordered_map<Dwfl_Module*, ModuleInfo> modules_;
  std::map<std::pair<std::uint64_t, bool>, std::vector<NamedFrame>> cache_;
  std::set<std::string> modules_without_aranges_;
  std::unordered_map<const void*, std::unique_ptr<CuScopes>> cu_scopes_;  // by the CU DIE's address
};

/// How many pcs this process has looked up in a module's DWARF (each needs the module's debug sections
/// loaded, inflated when compressed): lets a test show that a warm cache spares them.
std::size_t dwarf_lookups();

}  // namespace gmr::symbolize
