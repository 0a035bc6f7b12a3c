#include "symbolize/module_symbols.hpp"

#include <gelf.h>

namespace gmr::symbolize {
namespace {

bool is_kind(unsigned char type, SymbolKind kind) {
  switch (kind) {
    case SymbolKind::function: return type == STT_FUNC || type == STT_GNU_IFUNC;
    case SymbolKind::data_object: return type == STT_OBJECT || type == STT_COMMON;
  }
  return false;
}

int binding_rank(unsigned char binding) {
  switch (binding) {
    case STB_GLOBAL: return 0;
    case STB_WEAK: return 1;
    default: return 2;
  }
}

}  // namespace

std::string_view without_version(std::string_view name) {
  const std::size_t at = name.find('@');
  return at == std::string_view::npos || at == 0 ? name : name.substr(0, at);
}

std::vector<ModuleSymbol> module_symbols(Dwfl_Module* module, SymbolKind kind) {
  std::vector<ModuleSymbol> symbols;
  const int count = dwfl_module_getsymtab(module);
  for (int i = 1; i < count; ++i) {
    GElf_Sym sym{};
    GElf_Addr address = 0;
    const char* name = dwfl_module_getsym_info(module, i, &sym, &address, nullptr, nullptr, nullptr);
    if (name == nullptr || *name == '\0' || sym.st_shndx == SHN_UNDEF) continue;
    if (!is_kind(GELF_ST_TYPE(sym.st_info), kind)) continue;
    symbols.push_back({address, sym.st_size, binding_rank(GELF_ST_BIND(sym.st_info)), i, std::string(without_version(name))});
  }
  return symbols;
}

}  // namespace gmr::symbolize
