#include "support/elf_decompressions.hpp"

#include <dlfcn.h>
#include <libelf.h>

#include <atomic>

namespace {

std::atomic<std::size_t> decompressions{0};

using ElfCompress = int (*)(Elf_Scn*, int, unsigned int);

ElfCompress libelf_elf_compress() {
  static const ElfCompress real = reinterpret_cast<ElfCompress>(::dlsym(RTLD_NEXT, "elf_compress"));
  return real;
}

}  // namespace

extern "C" int elf_compress(Elf_Scn* scn, int type, unsigned int flags) {
  if (type == 0) ++decompressions;
  const ElfCompress real = libelf_elf_compress();
  return real != nullptr ? real(scn, type, flags) : -1;
}

namespace gmr::test {

std::size_t elf_decompressions() { return decompressions.load(); }

}  // namespace gmr::test
