#include "symbolize/address_names.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "symbolize/demangle.hpp"

namespace gmr::symbolize {
namespace {

std::string hex_text(std::uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, value);
  return buf;
}

std::string basename_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
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
    if (const attach::Mapping* m = snapshot.maps.find(thread.registers->rsp))
      stacks_.push_back({m->start, m->end, thread.facts.tid});
  }
  std::ranges::sort(stacks_, {}, &Stack::start);
}

// The nearest module at or below the address: a module's range ends with its last file mapping, so .bss
// past the file's end lies just above it; the symbol's own size decides whether it really holds the address.
std::optional<std::string> AddressNamer::symbol_name(std::uint64_t address) {
  auto it = std::ranges::upper_bound(modules_, address, {}, &Module::low);
  if (it == modules_.begin()) return std::nullopt;
  --it;
  auto found = symbols_.find(it->module);
  if (found == symbols_.end()) found = symbols_.emplace(it->module, SymbolTable::data_objects(it->module)).first;
  auto hit = found->second.lookup(address);
  if (!hit) return std::nullopt;
  std::string text = demangle(*hit->name);
  if (address != hit->start) text += "+" + hex_text(address - hit->start);
  return text;
}

std::string AddressNamer::name(std::uint64_t address) {
  if (auto symbol = symbol_name(address)) return *symbol;
  const std::string hex = hex_text(address);
  if (const Stack* stack = attach::find_range(stacks_, address))
    return "stack of thread " + std::to_string(stack->tid) + " " + hex;
  const attach::Mapping* m = snapshot_.maps.find(address);
  if (m == nullptr) return hex;
  if (m->path == "[heap]" || m->path.empty()) return "heap " + hex;
  if (m->path.starts_with('[')) return m->path + " " + hex;
  return basename_of(m->path) + " " + hex;
}

}  // namespace gmr::symbolize
