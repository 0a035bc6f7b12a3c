// A frame as symbolize/ names it: where the pc is (module, offset, build-id) and what DWARF and the symbol
// tables say is there (function, inlined calls, file:line:column, source text). Absent means not known.
#pragma once

#include <cstdint>
#include <optional>

#include "symbolize/shared_text.hpp"

namespace gmr::symbolize {

/// The texts are SharedText: the frames of thousands of threads repeat the same few functions, paths and
/// build ids, and hold each once (issue 13: at 10,000 threads, per-frame copies took ~50 MB).
struct NamedFrame {
  std::uint64_t pc = 0;          // the frame's address (return address for callers); inlined frames repeat it
  std::optional<std::uint64_t> function_offset; // pc - symbol start; absent for inlined frames
  std::optional<std::uint64_t> module_offset;   // address in the module's own ELF address space (addr2line -e)
  SharedText function;          // demangled
  SharedText module;            // path of the ELF file mapped there
  SharedText build_id;          // hex
  SharedText file;
  SharedText source;            // the text of `line`, leading/trailing blanks trimmed
  std::optional<int> line;
  std::optional<int> column;
  bool inlined = false;          // an inlined call: `pc` belongs to the next outer frame's function
};

}  // namespace gmr::symbolize
