#include "symbolize/symbol_table.hpp"

#include <gelf.h>

#include <algorithm>
#include <tuple>

namespace gmr::symbolize {
namespace {

struct Candidate {
  std::uint64_t start = 0;
  std::uint64_t size = 0;
  int binding_rank = 0;  // 0 global, 1 weak, 2 local/other
  int index = 0;         // position in libdwfl's merged table
  std::string name;
};

int binding_rank(unsigned char binding) {
  switch (binding) {
    case STB_GLOBAL: return 0;
    case STB_WEAK: return 1;
    default: return 2;
  }
}

// Orders aliases at one address, the first one wins: the same choice as libdwfl's dwfl_module_addrinfo
// (and so eu-stack, eu-addr2line): sized over size-0, global over weak over local, then table order.
bool preferred(const Candidate& a, const Candidate& b) {
  return std::tuple(a.size == 0, a.binding_rank, a.index) < std::tuple(b.size == 0, b.binding_rank, b.index);
}

// .symtab names of versioned definitions carry their version ("pthread_cond_wait@@GLIBC_2.3.2").
std::string without_version(const char* name) {
  std::string text(name);
  if (auto at = text.find('@'); at != std::string::npos && at > 0) text.resize(at);
  return text;
}

}  // namespace

SymbolTable SymbolTable::build(Dwfl_Module* module) {
  std::vector<Candidate> candidates;
  const int count = dwfl_module_getsymtab(module);
  for (int i = 1; i < count; ++i) {
    GElf_Sym sym{};
    GElf_Addr address = 0;
    GElf_Word shndx = 0;
    const char* name = dwfl_module_getsym_info(module, i, &sym, &address, &shndx, nullptr, nullptr);
    if (name == nullptr || *name == '\0' || sym.st_shndx == SHN_UNDEF) continue;
    const int type = GELF_ST_TYPE(sym.st_info);
    if (type != STT_FUNC && type != STT_GNU_IFUNC) continue;
    candidates.push_back({address, sym.st_size, binding_rank(GELF_ST_BIND(sym.st_info)), i, without_version(name)});
  }
  std::ranges::sort(candidates, [](const Candidate& a, const Candidate& b) {
    if (a.start != b.start) return a.start < b.start;
    return preferred(a, b);
  });

  Dwarf_Addr module_end = 0;
  dwfl_module_info(module, nullptr, nullptr, &module_end, nullptr, nullptr, nullptr, nullptr);

  SymbolTable table;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    Candidate& c = candidates[i];
    if (i > 0 && candidates[i - 1].start == c.start) continue;  // an alias of the kept one
    auto next = std::find_if(candidates.begin() + static_cast<std::ptrdiff_t>(i) + 1, candidates.end(),
                             [&](const Candidate& n) { return n.start != c.start; });
    const std::uint64_t next_start = next == candidates.end() ? std::max<std::uint64_t>(module_end, c.start + 1)
                                                              : next->start;
    const std::uint64_t end = c.size != 0 ? std::min(c.start + c.size, next_start) : next_start;
    table.entries_.push_back({c.start, end, std::move(c.name)});
  }
  return table;
}

std::optional<SymbolHit> SymbolTable::lookup(std::uint64_t address) const {
  auto it = std::ranges::upper_bound(entries_, address, {}, &Entry::start);
  if (it == entries_.begin()) return std::nullopt;
  --it;
  if (address >= it->end) return std::nullopt;
  return SymbolHit{&it->name, it->start};
}

}  // namespace gmr::symbolize
