// Reading known symbols' string values out of the frozen target: the symbol's own bytes, and for pointer
// layouts the bytes they point to. Memory reads only (process_vm_readv); a wild pointer or an unmapped
// address is an error value, never a crash.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <vector>

#include "attach/known_symbols.hpp"

namespace gmr::attach {

std::vector<SymbolValue> read_symbol_values(pid_t pid, const std::vector<SymbolRead>& symbols, std::size_t max_bytes);

}  // namespace gmr::attach
