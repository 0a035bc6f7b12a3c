#include "symbolize/data_symbols.hpp"

#include <gelf.h>

#include <algorithm>
#include <tuple>

namespace gmr::symbolize {

DataSymbols DataSymbols::build(Dwfl_Module* module) {
  DataSymbols table;
  const int count = dwfl_module_getsymtab(module);
  for (int i = 1; i < count; ++i) {
    GElf_Sym sym{};
    GElf_Addr address = 0;
    const char* name = dwfl_module_getsym_info(module, i, &sym, &address, nullptr, nullptr, nullptr);
    if (name == nullptr || *name == '\0' || sym.st_shndx == SHN_UNDEF || sym.st_size == 0) continue;
    const int type = GELF_ST_TYPE(sym.st_info);
    if (type != STT_OBJECT && type != STT_COMMON) continue;
    const int bind = GELF_ST_BIND(sym.st_info);
    std::string text(name);
    if (auto at = text.find('@'); at != std::string::npos && at > 0) text.resize(at);
    table.entries_.push_back({address, address + sym.st_size, bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2,
                              std::move(text)});
  }
  std::ranges::sort(table.entries_, [](const Entry& a, const Entry& b) {
    return std::tuple(a.start, a.binding_rank, a.name) < std::tuple(b.start, b.binding_rank, b.name);
  });
  auto same_start = [](const Entry& a, const Entry& b) { return a.start == b.start; };
  table.entries_.erase(std::unique(table.entries_.begin(), table.entries_.end(), same_start), table.entries_.end());
  return table;
}

std::optional<SymbolHit> DataSymbols::lookup(std::uint64_t address) const {
  auto it = std::ranges::upper_bound(entries_, address, {}, &Entry::start);
  if (it == entries_.begin()) return std::nullopt;
  --it;
  if (address >= it->end) return std::nullopt;
  return SymbolHit{&it->name, it->start};
}

}  // namespace gmr::symbolize
