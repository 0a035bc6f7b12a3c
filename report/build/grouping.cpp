#include "report/build/grouping.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace gmr::report {

std::vector<ThreadGroup> group_threads(const std::vector<Thread>& threads) {
  using Key = std::tuple<std::vector<std::pair<std::uint64_t, bool>>, bool, bool>;
  std::map<Key, ThreadGroup> groups;
  for (const auto& thread : threads) {
    Key key;
    for (const auto& frame : thread.frames) std::get<0>(key).emplace_back(frame.pc, frame.inlined);
    std::get<1>(key) = thread.frames_truncated;
    std::get<2>(key) = thread.frozen;
    groups[key].tids.push_back(thread.tid);
  }
  std::vector<ThreadGroup> out;
  for (auto& [key, group] : groups) {
    std::ranges::sort(group.tids);
    out.push_back(std::move(group));
  }
  std::ranges::sort(out, [](const ThreadGroup& a, const ThreadGroup& b) {
    if (a.tids.size() != b.tids.size()) return a.tids.size() > b.tids.size();
    return a.tids.front() < b.tids.front();
  });
  return out;
}

}  // namespace gmr::report
