#include "symbolize/symbol_table.hpp"

#include <algorithm>
#include <tuple>

#include "attach/base/maps.hpp"
#include "symbolize/module_symbols.hpp"

namespace gmr::symbolize {
namespace {

/// `symbols`, sorted by start with the preferred alias first at each address (`preferred`: a strict
/// order), reduced to that first one per address.
template <typename Preferred>
std::vector<ModuleSymbol> one_per_address(std::vector<ModuleSymbol> symbols, Preferred preferred) {
  std::ranges::sort(symbols, [&](const ModuleSymbol& a, const ModuleSymbol& b) {
    if (a.start != b.start) return a.start < b.start;
    return preferred(a, b);
  });
  auto same_start = [](const ModuleSymbol& a, const ModuleSymbol& b) { return a.start == b.start; };
  symbols.erase(std::unique(symbols.begin(), symbols.end(), same_start), symbols.end());
  return symbols;
}

}  // namespace

SymbolTable SymbolTable::functions(Dwfl_Module* module) {
  // The same choice among aliases as libdwfl's dwfl_module_addrinfo (and so eu-stack, eu-addr2line).
  std::vector<ModuleSymbol> symbols =
      one_per_address(module_symbols(module, SymbolKind::function), [](const ModuleSymbol& a, const ModuleSymbol& b) {
        return std::tuple(a.size == 0, a.binding_rank, a.index) < std::tuple(b.size == 0, b.binding_rank, b.index);
      });
  Dwarf_Addr module_end = 0;
  dwfl_module_info(module, nullptr, nullptr, &module_end, nullptr, nullptr, nullptr, nullptr);

  SymbolTable table;
  table.entries_.reserve(symbols.size());
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    ModuleSymbol& s = symbols[i];
    const std::uint64_t next_start =
        i + 1 < symbols.size() ? symbols[i + 1].start : std::max<std::uint64_t>(module_end, s.start + 1);
    const std::uint64_t end = s.size != 0 ? std::min(s.start + s.size, next_start) : next_start;
    table.entries_.push_back({s.start, end, std::move(s.name)});
  }
  return table;
}

SymbolTable SymbolTable::data_objects(Dwfl_Module* module) {
  std::vector<ModuleSymbol> sized = module_symbols(module, SymbolKind::data_object);
  std::erase_if(sized, [](const ModuleSymbol& s) { return s.size == 0; });
  std::vector<ModuleSymbol> symbols = one_per_address(std::move(sized), [](const ModuleSymbol& a, const ModuleSymbol& b) {
    return std::tie(a.binding_rank, a.name) < std::tie(b.binding_rank, b.name);
  });
  SymbolTable table;
  table.entries_.reserve(symbols.size());
  for (ModuleSymbol& s : symbols) table.entries_.push_back({s.start, s.start + s.size, std::move(s.name)});
  return table;
}

std::optional<SymbolHit> SymbolTable::lookup(std::uint64_t address) const {
  const Entry* entry = attach::find_range(entries_, address);
  if (entry == nullptr) return std::nullopt;
  return SymbolHit{&entry->name, entry->start};
}

}  // namespace gmr::symbolize
