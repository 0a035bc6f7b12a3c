// The one walk over a module's symbol table (dwfl_module_getsym_info). Views over it decide what to keep:
// symbol_table.hpp's function and data-object tables.
#pragma once

#include <elfutils/libdwfl.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gmr::symbolize {

enum class SymbolKind {
  function,     // STT_FUNC, STT_GNU_IFUNC
  data_object,  // STT_OBJECT, STT_COMMON
};

struct ModuleSymbol {
  std::uint64_t start = 0;  // run-time address (load bias applied)
  std::uint64_t size = 0;   // st_size; 0 when the table gives none
  int binding_rank = 0;     // 0 global, 1 weak, 2 local or other: of aliases, the lower rank is preferred
  int index = 0;            // position in libdwfl's merged table (.symtab or .dynsym, plus MiniDebugInfo)
  std::string name;         // mangled, as in the table, without "@VERSION"
};

/// Every defined (not SHN_UNDEF), named symbol of `kind` in `module`, in table order. Reads the .symtab of
/// the file or its debug file, else .dynsym, plus MiniDebugInfo. An unreadable table gives none.
std::vector<ModuleSymbol> module_symbols(Dwfl_Module* module, SymbolKind kind);

/// A symbol name without the version that .symtab names of versioned definitions carry:
/// "pthread_cond_wait@@GLIBC_2.3.2" -> "pthread_cond_wait". A name that starts with '@' is kept whole.
std::string_view without_version(std::string_view name);

}  // namespace gmr::symbolize
