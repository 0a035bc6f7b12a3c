// C++ symbol demangling.
#pragma once

#include <string>
#include <string_view>

namespace gmr::symbolize {

/// The demangled form of an Itanium-ABI name ("_Z…"); any other name, or one that fails to demangle,
/// comes back unchanged.
std::string demangle(std::string_view name);

}  // namespace gmr::symbolize
