#include "symbolize/demangle.hpp"

#include <cxxabi.h>

#include "attach/base/malloc_ptr.hpp"

namespace gmr::symbolize {

std::string demangle(std::string_view name) {
  if (!name.starts_with("_Z")) return std::string(name);
  const std::string mangled(name);
  int status = 0;
  attach::MallocPtr<char> demangled{abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status)};
  if (status != 0 || !demangled) return mangled;
  return demangled.get();
}

}  // namespace gmr::symbolize
