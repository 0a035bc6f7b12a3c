// Work run on a second thread while the calling one goes on: the frozen window's helpers (the maps read
// beside the register reads, half of a large copy). Never a ptrace request: only the tracer thread may make
// those.
#pragma once

#include <future>
#include <system_error>
#include <utility>

namespace gmr::attach {

/// `work` started on a new thread; when no thread can be started, deferred: get() then runs it on the
/// caller. get() waits for it and rethrows what it threw; the future's destructor waits for a started thread.
template <typename Work>
std::future<void> run_beside(Work work) {
  try {
    return std::async(std::launch::async, work);
  } catch (const std::system_error&) {
    return std::async(std::launch::deferred, std::move(work));
  }
}

}  // namespace gmr::attach
