// Threads of a Report by tid: O(log n) look-ups for renderers and builders that name other threads (a
// mutex's owner, a joined thread, a group's members), where a linear search per reference would make a
// process with thousands of threads quadratic.
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "report/report.hpp"

namespace gmr::report {

class ThreadIndex {
 public:
  /// `threads` must outlive the index and not change while it is used.
  explicit ThreadIndex(const std::vector<Thread>& threads) {
    by_tid_.reserve(threads.size());
    for (const Thread& thread : threads) by_tid_.emplace_back(thread.tid, &thread);
    std::ranges::sort(by_tid_, {}, &Entry::first);
  }

  /// The thread with id `tid`; nullptr when the report has none.
  const Thread* find(pid_t tid) const {
    auto it = std::ranges::lower_bound(by_tid_, tid, {}, &Entry::first);
    return it != by_tid_.end() && it->first == tid ? it->second : nullptr;
  }

 private:
  using Entry = std::pair<pid_t, const Thread*>;
  std::vector<Entry> by_tid_;
};

}  // namespace gmr::report
