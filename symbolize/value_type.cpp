#include "symbolize/value_type.hpp"

#include <dwarf.h>
#include <elfutils/libdw.h>

#include <string_view>

namespace gmr::symbolize {
namespace {

constexpr int max_peel = 16;  // qualifier/typedef chain length; DWARF from a hostile file could loop

std::optional<Dwarf_Die> type_of(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  Dwarf_Die type;
  if (dwarf_attr_integrate(die, DW_AT_type, &attr) == nullptr || dwarf_formref_die(&attr, &type) == nullptr) return std::nullopt;
  return type;
}

/// Strips const, volatile, restrict and typedefs; `is_const` tells whether a const was seen.
std::optional<Dwarf_Die> peel(Dwarf_Die die, bool* is_const = nullptr) {
  for (int i = 0; i < max_peel; ++i) {
    const int tag = dwarf_tag(&die);
    if (tag != DW_TAG_const_type && tag != DW_TAG_volatile_type && tag != DW_TAG_restrict_type && tag != DW_TAG_typedef)
      return die;
    if (tag == DW_TAG_const_type && is_const) *is_const = true;
    auto next = type_of(&die);
    if (!next) return std::nullopt;  // "const void"
    die = *next;
  }
  return std::nullopt;
}

bool is_char(Dwarf_Die die) {
  if (dwarf_tag(&die) != DW_TAG_base_type) return false;
  Dwarf_Attribute attr;
  Dwarf_Word encoding = 0;
  if (dwarf_attr(&die, DW_AT_encoding, &attr) == nullptr || dwarf_formudata(&attr, &encoding) != 0) return false;
  return (encoding == DW_ATE_signed_char || encoding == DW_ATE_unsigned_char || encoding == DW_ATE_UTF) &&
         dwarf_bytesize(&die) == 1;
}

std::string name_of(Dwarf_Die die) {
  const char* name = dwarf_diename(&die);
  return name ? name : "an unnamed type";
}

std::expected<ValueType, std::string> classify(Dwarf_Die variable) {
  auto declared = type_of(&variable);
  if (!declared) return std::unexpected("it has no type in DWARF");
  bool is_const = false;
  auto type = peel(*declared, &is_const);
  if (!type) return std::unexpected("its type cannot be resolved");
  const int tag = dwarf_tag(&*type);
  Dwarf_Word size = 0;
  if (tag == DW_TAG_array_type) {
    auto element = type_of(&*type);
    auto peeled = element ? peel(*element) : std::nullopt;
    if (peeled && is_char(*peeled) && dwarf_aggregate_size(&*type, &size) == 0)
      return ValueType{attach::ValueLayout::char_array, static_cast<std::size_t>(size), "char[" + std::to_string(size) + "]"};
    return std::unexpected("its type is an array of " + (peeled ? name_of(*peeled) : std::string("an unknown type")) + ", not of char");
  }
  if (tag == DW_TAG_pointer_type) {
    bool pointee_const = false;
    auto pointee = type_of(&*type);
    auto peeled = pointee ? peel(*pointee, &pointee_const) : std::nullopt;
    if (peeled && is_char(*peeled))
      return ValueType{attach::ValueLayout::char_pointer, 8, pointee_const ? "const char*" : "char*"};
    return std::unexpected("its type is a pointer to " + (peeled ? name_of(*peeled) : std::string("void")) + ", not to char");
  }
  if (tag == DW_TAG_structure_type || tag == DW_TAG_class_type) {
    const std::string name = name_of(*type);
    dwarf_aggregate_size(&*type, &size);
    if (name.starts_with("basic_string<char,")) {
      // libstdc++'s C++11 ABI string is {pointer, size, 16-byte local buffer}; the old COW one is one pointer.
      if (size == 32) return ValueType{attach::ValueLayout::std_string, 32, "std::string"};
      return std::unexpected("its type is the pre-C++11-ABI (copy-on-write) std::string, which gmr does not read");
    }
    if (name.starts_with("basic_string_view<char,") && size == 16)
      return ValueType{attach::ValueLayout::std_string_view, 16, "std::string_view"};
    return std::unexpected("its type is " + name);
  }
  return std::unexpected("its type is " + name_of(*type));
}

bool defined_at(Dwarf_Die* die, GElf_Addr address) {
  Dwarf_Attribute attr;
  if (dwarf_attr(die, DW_AT_location, &attr) == nullptr) return false;
  Dwarf_Op* ops = nullptr;
  std::size_t count = 0;
  if (dwarf_getlocation(&attr, &ops, &count) != 0 || count != 1) return false;
  return ops[0].atom == DW_OP_addr && ops[0].number == address;
}

/// Depth-first over the CU's top level and its namespaces (where globals live).
std::optional<Dwarf_Die> find_variable(Dwarf_Die* scope, GElf_Addr address, int depth) {
  Dwarf_Die child;
  if (depth > 32 || dwarf_child(scope, &child) != 0) return std::nullopt;
  do {
    const int tag = dwarf_tag(&child);
    if (tag == DW_TAG_variable && defined_at(&child, address)) return child;
    if (tag == DW_TAG_namespace)
      if (auto found = find_variable(&child, address, depth + 1)) return found;
  } while (dwarf_siblingof(&child, &child) == 0);
  return std::nullopt;
}

}  // namespace

std::optional<std::expected<ValueType, std::string>> value_type_at(Dwfl_Module* module, GElf_Addr elf_address) {
  Dwarf_Addr bias = 0;
  if (dwfl_module_getdwarf(module, &bias) == nullptr) return std::nullopt;
  Dwarf_Die* cu = nullptr;
  while ((cu = dwfl_module_nextcu(module, cu, &bias)) != nullptr)
    if (auto variable = find_variable(cu, elf_address, 0)) return classify(*variable);
  return std::nullopt;
}

}  // namespace gmr::symbolize
