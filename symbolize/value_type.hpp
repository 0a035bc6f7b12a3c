// What a string-valued global looks like in memory, from its DWARF type: char[N], const char*,
// std::string (libstdc++'s C++11 ABI) or std::string_view.
#pragma once

#include <elfutils/libdwfl.h>

#include <cstddef>
#include <expected>
#include <optional>
#include <string>

#include "attach/known_symbols.hpp"

namespace gmr::symbolize {

struct ValueType {
  attach::ValueLayout layout = attach::ValueLayout::char_array;
  std::size_t size = 0;  // char_array: N
  std::string name;      // "char[64]", "const char*", "std::string", "std::string_view"
};

/// The type of the variable defined at ELF address `elf_address` (the symbol's st_value) in `module`.
/// nullopt: the module has no DWARF for it (the caller falls back to the ELF symbol size). An error: the
/// variable's type is not one of the string types above (the message names the type).
std::optional<std::expected<ValueType, std::string>> value_type_at(Dwfl_Module* module, GElf_Addr elf_address);

}  // namespace gmr::symbolize
