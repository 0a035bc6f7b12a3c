#include "report/core/loader_memory.hpp"

#include <elf.h>

#include <cstring>
#include <set>

#include "attach/auxv.hpp"

namespace gmr::core {
namespace {

template <typename T>
std::optional<T> field(const attach::MemoryCopy& copy, std::size_t offset) {
  if (copy.bytes.size() < offset + sizeof(T)) return std::nullopt;
  T value;
  std::memcpy(&value, copy.bytes.data() + offset, sizeof value);
  return value;
}

constexpr std::size_t max_objects = 4096;
constexpr std::size_t max_name = 4096;
constexpr std::size_t link_map_words = 5 * 8;  // l_addr, l_name, l_ld, l_next, l_prev
constexpr std::size_t r_debug_size = 40;       // r_version (padded), r_map, r_brk, r_state (padded), r_ldbase

}  // namespace

std::vector<attach::MemoryCopy> loader_memory(const std::string& auxv, const ReadMemory& read) {
  std::vector<attach::MemoryCopy> copies;
  const auto phdr_address = attach::auxv_value(auxv, AT_PHDR);
  const auto phnum = attach::auxv_value(auxv, AT_PHNUM);
  if (!phdr_address || !phnum || *phnum == 0 || *phnum > 256) return copies;
  auto phdrs = read(*phdr_address, static_cast<std::size_t>(*phnum) * sizeof(Elf64_Phdr));
  if (!phdrs) return copies;
  std::optional<std::uint64_t> bias;
  std::optional<Elf64_Phdr> dynamic;
  for (std::size_t i = 0; i < *phnum; ++i) {
    const auto phdr = field<Elf64_Phdr>(*phdrs, i * sizeof(Elf64_Phdr));
    if (!phdr) break;
    if (phdr->p_type == PT_PHDR) bias = *phdr_address - phdr->p_vaddr;
    if (phdr->p_type == PT_DYNAMIC) dynamic = *phdr;
  }
  copies.push_back(std::move(*phdrs));
  if (!bias || !dynamic || dynamic->p_memsz == 0 || dynamic->p_memsz > (1u << 20)) return copies;
  auto dyn = read(*bias + dynamic->p_vaddr, static_cast<std::size_t>(dynamic->p_memsz));
  if (!dyn) return copies;
  std::optional<std::uint64_t> r_debug;
  for (std::size_t at = 0; dyn->bytes.size() - at >= sizeof(Elf64_Dyn); at += sizeof(Elf64_Dyn)) {
    const auto entry = *field<Elf64_Dyn>(*dyn, at);
    if (entry.d_tag == DT_NULL) break;
    if (entry.d_tag == DT_DEBUG && entry.d_un.d_ptr != 0) r_debug = entry.d_un.d_ptr;
  }
  copies.push_back(std::move(*dyn));
  if (!r_debug) return copies;
  auto header = read(*r_debug, r_debug_size);
  if (!header) return copies;
  std::uint64_t next = field<std::uint64_t>(*header, 8).value_or(0);
  copies.push_back(std::move(*header));
  std::set<std::uint64_t> seen;
  while (next != 0 && seen.size() < max_objects && seen.insert(next).second) {
    auto link = read(next, link_map_words);
    if (!link || link->bytes.size() < link_map_words) break;
    const std::uint64_t name = *field<std::uint64_t>(*link, 8);
    next = *field<std::uint64_t>(*link, 24);
    copies.push_back(std::move(*link));
    if (name == 0) continue;
    if (auto text = read(name, max_name)) {
      const auto* begin = reinterpret_cast<const char*>(text->bytes.data());
      const void* nul = std::memchr(begin, 0, text->bytes.size());
      if (nul != nullptr) text->bytes.resize(static_cast<const char*>(nul) - begin + 1);
      copies.push_back(std::move(*text));
    }
  }
  return copies;
}

}  // namespace gmr::core
