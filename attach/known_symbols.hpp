// Values of "known symbols" (gmr_config, gmr_version, gmr_section_<Title>…): planned before the freeze
// from files (symbolize/ finds the symbol and its type), read while frozen (so configuration and stacks
// are of one instant), decoded afterwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gmr::attach {

/// How the bytes of a string-valued global are laid out in the target (x86-64, libstdc++).
enum class ValueLayout {
  char_array,       // char[N]: N bytes at the symbol, text up to the first NUL
  char_pointer,     // const char* / char*: follow the pointer, read up to a NUL
  std_string,       // std::__cxx11::basic_string<char>: {char* data; size_t size; char local[16]}
  std_string_view,  // std::basic_string_view<char>: {size_t size; const char* data}
};

struct SymbolRead {
  std::string name;            // "gmr_config"
  std::string module;          // the ELF file that defines it, for the report
  std::uint64_t address = 0;   // run-time address in the target
  ValueLayout layout = ValueLayout::char_array;
  std::size_t size = 0;        // char_array: N (from DWARF, else the ELF symbol size)
  std::string type_name;       // as DWARF names it, for messages ("char[64]", "std::string"); may be empty
  std::optional<std::string> refused;  // found, but not to be read (not a string type): why
};

struct SymbolValue {
  SymbolRead symbol;
  std::optional<std::string> text;           // the string's bytes, up to max bytes
  bool truncated = false;                    // longer than the limit: `text` is its beginning
  std::optional<std::uint64_t> data_address; // where the text was read (pointer layouts)
  std::optional<std::string> error;          // why there is no text ("points to 0xdead…, not readable memory")
};

}  // namespace gmr::attach
