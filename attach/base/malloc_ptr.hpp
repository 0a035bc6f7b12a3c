// Ownership of memory that C libraries hand out with malloc (realpath, __cxa_demangle, dwarf_getscopes):
// freed with free() on destruction.
#pragma once

#include <cstdlib>
#include <memory>

namespace gmr::attach {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};
template <typename T>
using MallocPtr = std::unique_ptr<T, FreeDeleter>;

}  // namespace gmr::attach
