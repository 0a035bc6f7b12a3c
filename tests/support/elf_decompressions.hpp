// Test support: how many sections libdw has had libelf inflate (elf_compress with type 0, the call
// dwarf_begin_elf makes for every SHF_COMPRESSED debug section it loads). The test binary defines
// elf_compress itself, counting and forwarding to libelf's: libdw calls it through its PLT, so the
// executable's definition is the one it reaches.
#pragma once

#include <cstddef>

namespace gmr::test {

std::size_t elf_decompressions();

}  // namespace gmr::test
