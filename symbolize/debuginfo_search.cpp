#include "symbolize/debuginfo_search.hpp"

#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "attach/base/malloc_ptr.hpp"

namespace gmr::symbolize {
namespace {

bool debuginfod_configured() {
  const char* urls = std::getenv("DEBUGINFOD_URLS");
  return urls != nullptr && urls[0] != '\0';
}

// Whether the ELF file open at `fd` carries the build id `bits`.
bool has_build_id(int fd, const unsigned char* bits, int length) {
  Elf* elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
  if (elf == nullptr) return false;
  const void* found = nullptr;
  const ssize_t found_length = dwelf_elf_gnu_build_id(elf, &found);
  const bool same = found_length == length && std::memcmp(found, bits, static_cast<std::size_t>(length)) == 0;
  elf_end(elf);
  return same;
}

// A file named `candidate` that is not `main` itself and carries the build id: its fd (the caller owns it).
int open_matching(const std::string& candidate, const struct stat& main, const unsigned char* bits, int length) {
  const int fd = ::open(candidate.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || (st.st_dev == main.st_dev && st.st_ino == main.st_ino) || !has_build_id(fd, bits, length)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// The .gnu_debuglink places of libdwfl's default debuginfo path (":.debug:/usr/lib/debug"): next to the
// file, in .debug/ there, and under /usr/lib/debug; for the file's name as mapped and its real path.
int find_by_debuglink(const char* file_name, const char* debuglink_file, const unsigned char* bits, int length,
                      char** debuginfo_file_name) {
  struct stat main {};
  if (file_name == nullptr || debuglink_file == nullptr || std::strchr(debuglink_file, '/') != nullptr ||
      ::stat(file_name, &main) != 0)
    return -1;
  std::string names[2] = {file_name, {}};
  if (attach::MallocPtr<char> real{::realpath(file_name, nullptr)}) names[1] = real.get();
  for (const std::string& name : names) {
    if (name.empty()) continue;
    const std::string dir = name.substr(0, name.rfind('/'));
    for (const std::string& candidate :
         {dir + "/" + debuglink_file, dir + "/.debug/" + debuglink_file, "/usr/lib/debug" + dir + "/" + debuglink_file}) {
      const int fd = open_matching(candidate, main, bits, length);
      if (fd < 0) continue;
      *debuginfo_file_name = ::strdup(candidate.c_str());
      return fd;
    }
  }
  return -1;
}

}  // namespace

int find_debuginfo(Dwfl_Module* module, void** userdata, const char* module_name, Dwarf_Addr base,
                   const char* file_name, const char* debuglink_file, GElf_Word debuglink_crc,
                   char** debuginfo_file_name) {
  const unsigned char* bits = nullptr;
  GElf_Addr vaddr = 0;
  const int length = dwfl_module_build_id(module, &bits, &vaddr);
  // Without a build id the standard search never asks debuginfod (it needs one), and checks the
  // .gnu_debuglink CRC, which only it can compute.
  if (debuginfod_configured() || length <= 0)
    return dwfl_standard_find_debuginfo(module, userdata, module_name, base, file_name, debuglink_file, debuglink_crc,
                                        debuginfo_file_name);
  const int fd = dwfl_build_id_find_debuginfo(module, userdata, module_name, base, file_name, debuglink_file,
                                              debuglink_crc, debuginfo_file_name);
  if (fd >= 0) return fd;
  const int linked = find_by_debuglink(file_name, debuglink_file, bits, length, debuginfo_file_name);
  if (linked < 0) errno = 0;  // nothing found is not an error: libdwfl then uses the file's own sections
  return linked;
}

}  // namespace gmr::symbolize
