// Owning handles for the C resources symbolize/ uses: a libdwfl session, a libelf descriptor, a file
// descriptor, and malloc'd memory handed out by C libraries (dwarf_getscopes, __cxa_demangle).
#pragma once

#include <elfutils/libdwfl.h>
#include <libelf.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <utility>

#include "attach/unique_fd.hpp"

namespace gmr::symbolize {

struct DwflDeleter {
  void operator()(Dwfl* dwfl) const { dwfl_end(dwfl); }
};
using DwflPtr = std::unique_ptr<Dwfl, DwflDeleter>;

struct ElfDeleter {
  void operator()(Elf* elf) const { elf_end(elf); }
};
using ElfPtr = std::unique_ptr<Elf, ElfDeleter>;

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};
template <typename T>
using MallocPtr = std::unique_ptr<T, FreeDeleter>;

using UniqueFd = attach::UniqueFd;

}  // namespace gmr::symbolize
