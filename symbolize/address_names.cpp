#include "symbolize/address_names.hpp"

#include <algorithm>

#include "symbolize/demangle.hpp"

namespace gmr::symbolize {

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
    if (const attach::Mapping* m = snapshot.maps.find(thread.registers->rsp))
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
  if (found == symbols_.end()) found = symbols_.emplace(it->module, SymbolTable::data_objects(it->module)).first;
  auto hit = found->second.lookup(address);
  if (!hit) return std::nullopt;
  return AddressName{.kind = AddressName::Kind::symbol, .symbol = demangle(*hit->name), .offset = address - hit->start};
}

AddressName AddressNamer::name(std::uint64_t address) {
  using Kind = AddressName::Kind;
  if (auto symbol = symbol_name(address)) return *symbol;
  if (const Stack* stack = attach::find_range(stacks_, address)) return AddressName{.kind = Kind::stack, .tid = stack->tid};
  const attach::Mapping* m = snapshot_.maps.find(address);
  if (m == nullptr) return AddressName{.kind = Kind::unknown};
  if (m->path.empty()) return AddressName{.kind = Kind::heap};
  return AddressName{.kind = m->path == "[heap]" ? Kind::heap : Kind::mapping, .mapping = m->path};
}

}  // namespace gmr::symbolize
