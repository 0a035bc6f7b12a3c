#include "report/core/module_build_ids.hpp"

#include <elfutils/libdwelf.h>
#include <libelf.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <memory>

#include "report/core/core_files.hpp"

namespace gmr::core {
namespace {

constexpr std::size_t page_size = 4096;

struct ElfEnd {
  void operator()(Elf* elf) const { elf_end(elf); }
};

std::vector<std::byte> first_page(int fd) {
  std::vector<std::byte> page(page_size);
  std::size_t done = 0;
  while (done < page.size()) {
    const ssize_t n = ::pread(fd, page.data() + done, page.size() - done, static_cast<off_t>(done));
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  page.resize(done);
  return page;
}

}  // namespace

std::optional<std::string> build_id_of(int fd) {
  elf_version(EV_CURRENT);
  std::unique_ptr<Elf, ElfEnd> elf(elf_begin(fd, ELF_C_READ_MMAP, nullptr));
  if (!elf || elf_kind(elf.get()) != ELF_K_ELF) return std::nullopt;
  const void* id = nullptr;
  const ssize_t size = dwelf_elf_gnu_build_id(elf.get(), &id);
  if (size <= 0 || id == nullptr) return std::nullopt;
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (ssize_t i = 0; i < size; ++i) {
    const auto byte = static_cast<const unsigned char*>(id)[i];
    hex += digits[byte >> 4];
    hex += digits[byte & 0xf];
  }
  return hex;
}

ModuleFacts module_facts(const attach::Maps& maps, const attach::FileSource& files) {
  ModuleFacts facts;
  std::map<std::string, std::optional<std::vector<std::byte>>> pages;  // by path; nullopt: not an ELF file
  for (const auto& mapping : maps) {
    if (!mapping.file_backed()) continue;
    auto [it, added] = pages.try_emplace(mapping.path);
    if (added) {
      if (auto opened = files.open(mapping)) {
        std::vector<std::byte> page = first_page(opened->fd.get());
        if (page.size() >= SELFMAG && std::memcmp(page.data(), ELFMAG, SELFMAG) == 0) {
          it->second = std::move(page);
          if (auto id = build_id_of(opened->fd.get())) facts.build_ids[mapping.path] = *id;
        }
      }
    }
    if (mapping.offset == 0 && it->second)
      facts.headers.push_back({mapping.start, mapping.end - mapping.start, *it->second});
  }
  return facts;
}

}  // namespace gmr::core
