// Owning handles for the libdw/libelf resources symbolize/ uses: a libdwfl session and a libelf descriptor.
// (File descriptors and malloc'd memory: attach/base/unique_fd.hpp, attach/base/malloc_ptr.hpp.)
#pragma once

#include <elfutils/libdwfl.h>
#include <libelf.h>

#include <memory>

namespace gmr::symbolize {

struct DwflDeleter {
  void operator()(Dwfl* dwfl) const { dwfl_end(dwfl); }
};
using DwflPtr = std::unique_ptr<Dwfl, DwflDeleter>;

struct ElfDeleter {
  void operator()(Elf* elf) const { elf_end(elf); }
};
using ElfPtr = std::unique_ptr<Elf, ElfDeleter>;

}  // namespace gmr::symbolize
