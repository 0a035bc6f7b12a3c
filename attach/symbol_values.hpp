// Reading known symbols' string values out of the frozen target: the symbol's own bytes, and for pointer
// layouts the bytes they point to. Memory reads only (the live process's: process_vm_readv); a wild
// pointer or an unmapped address is an error value, never a crash.
#pragma once

#include <cstddef>
#include <vector>

#include "attach/known_symbols.hpp"
#include "attach/memory_source.hpp"

namespace gmr::attach {

std::vector<SymbolValue> read_symbol_values(const MemorySource& memory, const std::vector<SymbolRead>& symbols,
                                            std::size_t max_bytes);

}  // namespace gmr::attach
