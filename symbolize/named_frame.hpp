// A frame as symbolize/ names it: where the pc is (module, offset, build-id) and what DWARF and the symbol
// tables say is there (function, inlined calls, file:line:column, source text). Absent means not known.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gmr::symbolize {

struct NamedFrame {
  std::uint64_t pc = 0;          // the frame's address (return address for callers); inlined frames repeat it
  bool inlined = false;          // an inlined call: `pc` belongs to the next outer frame's function
  std::optional<std::string> function;          // demangled
  std::optional<std::uint64_t> function_offset; // pc - symbol start; absent for inlined frames
  std::optional<std::string> module;            // path of the ELF file mapped there
  std::optional<std::uint64_t> module_offset;   // address in the module's own ELF address space (addr2line -e)
  std::optional<std::string> build_id;          // hex
  std::optional<std::string> file;
  std::optional<int> line;
  std::optional<int> column;
  std::optional<std::string> source;            // the text of `line`, leading/trailing blanks trimmed
};

}  // namespace gmr::symbolize
