#include "report/render/thread_reference.hpp"

#include "report/render/format.hpp"

namespace gmr::report {

std::string thread_reference(pid_t tid, const ThreadIndex& threads) {
  const Thread* thread = threads.find(tid);
  const std::string name =
      thread != nullptr && thread->shown_name() ? " \"" + printable(*thread->shown_name()) + "\"" : "";
  return "thread " + std::to_string(tid) + name;
}

}  // namespace gmr::report
