#include "symbolize/build_id.hpp"

namespace gmr::symbolize {
namespace {

struct ModuleSearch {
  const std::string* name;
  Dwfl_Module* found = nullptr;
};

int match_module(Dwfl_Module* module, void**, const char* name, Dwarf_Addr, void* arg) {
  auto& search = *static_cast<ModuleSearch*>(arg);
  if (name == nullptr || *search.name != name) return DWARF_CB_OK;
  search.found = module;
  return DWARF_CB_ABORT;
}

}  // namespace

std::optional<std::string> build_id_hex(Dwfl_Module* module) {
  GElf_Addr bias = 0;
  dwfl_module_getelf(module, &bias);  // the build-id note is read when the ELF is opened
  const unsigned char* bits = nullptr;
  GElf_Addr vaddr = 0;
  const int length = dwfl_module_build_id(module, &bits, &vaddr);
  if (length <= 0) return std::nullopt;
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (int i = 0; i < length; ++i) {
    hex += digits[bits[i] >> 4];
    hex += digits[bits[i] & 0xf];
  }
  return hex;
}

Dwfl_Module* find_module(Dwfl* dwfl, const std::string& name) {
  ModuleSearch search{&name};
  dwfl_getmodules(dwfl, match_module, &search, 0);
  return search.found;
}

}  // namespace gmr::symbolize
