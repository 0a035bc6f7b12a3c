#include "report/build/grouping.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace gmr::report {
namespace {

// Each distinct name of `members` (sorted by tid) with its count, in tid order.
std::vector<ThreadGroup::Name> name_counts(const std::vector<const Thread*>& members) {
  std::vector<ThreadGroup::Name> names;
  std::map<std::optional<std::string>, std::size_t> position;
  for (const Thread* thread : members) {
    auto [seen, added] = position.try_emplace(thread->shown_name(), names.size());
    if (added)
      names.push_back({thread->shown_name(), 1});
    else
      ++names[seen->second].count;
  }
  return names;
}

}  // namespace

std::vector<ThreadGroup> group_threads(const std::vector<Thread>& threads) {
  // A frame is its pc (a Python frame's: its instruction, in its code object) and whether it is inlined;
  // a Python frame adds its line, so that two threads group only when the merged stacks read the same.
  using FrameKey = std::tuple<std::uint64_t, bool, bool, std::optional<int>>;
  using Key = std::tuple<std::vector<FrameKey>, bool, bool>;
  std::map<Key, std::vector<const Thread*>> members;
  for (const auto& thread : threads) {
    Key key;
    for (const auto& frame : thread.frames) {
      const bool python = frame.kind == Frame::Kind::python;
      std::get<0>(key).emplace_back(frame.pc, frame.inlined, python, python ? frame.line : std::nullopt);
    }
    std::get<1>(key) = thread.frames_truncated;
    std::get<2>(key) = thread.frozen;
    members[key].push_back(&thread);
  }
  std::vector<ThreadGroup> out;
  out.reserve(members.size());
  for (auto& [key, group] : members) {
    std::ranges::sort(group, {}, &Thread::tid);
    ThreadGroup result;
    result.tids.reserve(group.size());
    for (const Thread* thread : group) result.tids.push_back(thread->tid);
    result.names = name_counts(group);
    out.push_back(std::move(result));
  }
  std::ranges::sort(out, [](const ThreadGroup& a, const ThreadGroup& b) {
    if (a.tids.size() != b.tids.size()) return a.tids.size() > b.tids.size();
    return a.tids.front() < b.tids.front();
  });
  return out;
}

}  // namespace gmr::report
