// GNU build-ids of libdwfl modules.
#pragma once

#include <elfutils/libdwfl.h>

#include <optional>
#include <string>

namespace gmr::symbolize {

/// The module's build-id in lower-case hex; opens the module's ELF if it is not open yet. nullopt when the
/// file cannot be found or has no NT_GNU_BUILD_ID note.
std::optional<std::string> build_id_hex(Dwfl_Module* module);

/// The first module reported under `name` (a mapped path), or null.
Dwfl_Module* find_module(Dwfl* dwfl, const std::string& name);

}  // namespace gmr::symbolize
