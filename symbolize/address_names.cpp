#include "symbolize/address_names.hpp"

#include <algorithm>

#include "symbolize/demangle.hpp"

namespace gmr::symbolize {
namespace {


const attach::Mapping* mapping_of(const std::vector<attach::Mapping>& maps, std::uint64_t address) {
  auto it = std::upper_bound(maps.begin(), maps.end(), address,
                             [](std::uint64_t a, const attach::Mapping& m) { return a < m.start; });
  if (it == maps.begin()) return nullptr;
  --it;
  return address < it->end ? &*it : nullptr;
}

}  // namespace

AddressNamer::AddressNamer(Dwfl* dwfl, const attach::Snapshot& snapshot) : snapshot_(snapshot) {
  if (dwfl != nullptr) {
    dwfl_getmodules(
        dwfl,
        [](Dwfl_Module* module, void**, const char*, Dwarf_Addr low, void* arg) -> int {
          static_cast<std::vector<Module>*>(arg)->push_back({low, module});
          return DWARF_CB_OK;
        },
        &modules_, 0);
    std::ranges::sort(modules_, {}, &Module::low);
  }
  for (const auto& thread : snapshot.threads) {
    if (!thread.registers) continue;
    if (const attach::Mapping* m = mapping_of(snapshot.maps, thread.registers->rsp))
      stacks_.push_back({m->start, m->end, thread.facts.tid});
  }
  std::ranges::sort(stacks_, {}, &Stack::start);
}

// The nearest module at or below the address: a module's range ends with its last file mapping, so .bss
// past the file's end lies just above it; the symbol's own size decides whether it really holds the address.
std::optional<AddressName> AddressNamer::symbol_name(std::uint64_t address) {
  auto it = std::ranges::upper_bound(modules_, address, {}, &Module::low);
  if (it == modules_.begin()) return std::nullopt;
  --it;
  auto found = symbols_.find(it->module);
  if (found == symbols_.end()) found = symbols_.emplace(it->module, DataSymbols::build(it->module)).first;
  auto hit = found->second.lookup(address);
  if (!hit) return std::nullopt;
  return AddressName{.kind = AddressName::Kind::symbol, .symbol = demangle(*hit->name), .offset = address - hit->start};
}

AddressName AddressNamer::name(std::uint64_t address) {
  using Kind = AddressName::Kind;
  if (auto symbol = symbol_name(address)) return *symbol;
  auto stack = std::ranges::upper_bound(stacks_, address, {}, &Stack::start);
  if (stack != stacks_.begin() && address < std::prev(stack)->end)
    return AddressName{.kind = Kind::stack, .tid = std::prev(stack)->tid};
  const attach::Mapping* m = mapping_of(snapshot_.maps, address);
  if (m == nullptr) return AddressName{.kind = Kind::unknown};
  if (m->path.empty()) return AddressName{.kind = Kind::heap};
  return AddressName{.kind = m->path == "[heap]" ? Kind::heap : Kind::mapping, .mapping = m->path};
}

}  // namespace gmr::symbolize
