#include "symbolize/text_pool.hpp"

namespace gmr::symbolize {

SharedText TextPool::intern(std::string_view text) {
  if (auto found = texts_.find(text); found != texts_.end()) return *found;
  return *texts_.emplace(std::string(text)).first;
}

}  // namespace gmr::symbolize
