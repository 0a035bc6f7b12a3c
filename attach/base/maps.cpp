#include "attach/base/maps.hpp"

namespace gmr::attach {

Maps::Maps(std::vector<Mapping> mappings) : mappings_(std::move(mappings)) {
  std::ranges::stable_sort(mappings_, {}, &Mapping::start);
}

void Maps::insert(Mapping mapping) {
  auto at = std::ranges::upper_bound(mappings_, mapping.start, {}, &Mapping::start);
  mappings_.insert(at, std::move(mapping));
}

}  // namespace gmr::attach
