#include "symbolize/known_symbols_plan.hpp"

#include <gelf.h>

#include <algorithm>
#include <map>

#include "symbolize/demangle.hpp"
#include "symbolize/module_symbols.hpp"
#include "symbolize/value_type.hpp"

namespace gmr::symbolize {
namespace {

struct Found {
  Dwfl_Module* module = nullptr;
  std::string module_name;
  GElf_Sym symbol{};
  GElf_Addr address = 0;  // run-time
  bool in_executable = false;
  Dwarf_Addr module_start = 0;
};

struct ScanContext {
  const std::string* config_symbol;
  const std::optional<std::string>* executable;
  std::map<std::string, Found> found;
};

bool wanted(std::string_view name, const std::string& config_symbol) {
  return name == config_symbol || name == "gmr_version" || name == "gmr_product" || name == "gmr_vendor" ||
         (name.starts_with(section_symbol_prefix) && name.size() > section_symbol_prefix.size());
}

/// The name a program author wrote: without "@VERSION"; a C++ global demangled, without the ABI tag of
/// its type (std::string: "_Z10gmr_vendorB5cxx11") and without an unnamed namespace around it. Only names that can be
/// wanted are demangled: a large C++ program has hundreds of thousands of symbols.
std::string plain_name(std::string_view name, const std::string& config_symbol) {
  name = without_version(name);
  if (!name.starts_with("_Z") || (name.find("gmr_") == std::string_view::npos && name.find(config_symbol) == std::string_view::npos))
    return std::string(name);
  std::string demangled = demangle(name);
  if (const std::size_t tag = demangled.find("[abi:"); tag != std::string::npos && demangled.back() == ']')
    demangled.resize(tag);
  constexpr std::string_view anonymous = "(anonymous namespace)::";
  if (demangled.starts_with(anonymous)) demangled.erase(0, anonymous.size());
  return demangled;
}

int scan_module(Dwfl_Module* module, void**, const char* name, Dwarf_Addr start, void* arg) {
  auto& ctx = *static_cast<ScanContext*>(arg);
  const int count = dwfl_module_getsymtab(module);
  const bool in_executable = ctx.executable->has_value() && name != nullptr && **ctx.executable == name;
  for (int i = 1; i < count; ++i) {
    GElf_Sym sym;
    GElf_Addr address = 0;
    const char* symbol_name = dwfl_module_getsym_info(module, i, &sym, &address, nullptr, nullptr, nullptr);
    if (symbol_name == nullptr || GELF_ST_TYPE(sym.st_info) != STT_OBJECT || sym.st_shndx == SHN_UNDEF) continue;
    const std::string plain = plain_name(symbol_name, *ctx.config_symbol);
    if (!wanted(plain, *ctx.config_symbol)) continue;
    Found candidate{module, name ? name : "", sym, address, in_executable, start};
    auto [it, inserted] = ctx.found.try_emplace(plain, candidate);
    const Found& held = it->second;
    if (!inserted && ((in_executable && !held.in_executable) ||
                      (in_executable == held.in_executable && start < held.module_start)))
      it->second = candidate;
  }
  return DWARF_CB_OK;
}

}  // namespace

std::vector<attach::SymbolRead> plan_known_symbols(SnapshotDwfl& session, const std::optional<std::string>& executable,
                                                   const std::string& config_symbol) {
  std::vector<attach::SymbolRead> plan;
  ScanContext ctx{&config_symbol, &executable, {}};
  dwfl_getmodules(session.dwfl(), scan_module, &ctx, 0);

  for (auto& [name, found] : ctx.found) {
    attach::SymbolRead read;
    read.name = name;
    read.module = found.module_name;
    read.address = found.address;
    auto type = value_type_at(found.module, found.symbol.st_value);
    if (type && !*type) {
      read.refused = name + " is not a string: " + type->error();
    } else if (type) {
      read.layout = (*type)->layout;
      read.size = (*type)->size;
      read.type_name = (*type)->name;
    } else {
      read.layout = attach::ValueLayout::char_array;
      read.size = static_cast<std::size_t>(found.symbol.st_size);
      read.type_name = "char[" + std::to_string(found.symbol.st_size) + "] (ELF symbol size; no DWARF type)";
    }
    plan.push_back(std::move(read));
  }
  return plan;
}

}  // namespace gmr::symbolize
