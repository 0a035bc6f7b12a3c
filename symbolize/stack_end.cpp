#include "symbolize/stack_end.hpp"

#include <algorithm>
#include <array>

namespace gmr::symbolize {

std::optional<std::string> stack_start_function(std::string_view symbol) {
  for (std::string_view suffix : {".abi0", ".abiinternal"})
    if (symbol.ends_with(suffix)) symbol.remove_suffix(suffix.size());
  static constexpr std::array<std::string_view, 12> starts = {
      "runtime.goexit", "runtime.mstart", "runtime.mcall", "runtime.morestack", "runtime.rt0_go", "_rt0_amd64",
      "_rt0_amd64_linux", "_start", "clone", "__clone", "clone3", "__clone3",
  };
  if (std::ranges::find(starts, symbol) == starts.end()) return std::nullopt;
  return std::string(symbol);
}

}  // namespace gmr::symbolize
