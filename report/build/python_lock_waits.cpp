#include "report/build/python_lock_waits.hpp"

#include <algorithm>

namespace gmr::report {
namespace {

const symbolize::python::PythonThread* python_side(const PythonReading& python, pid_t tid) {
  for (const auto& thread : python.process->threads)
    if (thread.tid == tid) return &thread;
  return nullptr;
}

const symbolize::python::PythonFrame* frame_at(const symbolize::python::PythonThread& thread, std::uint64_t address) {
  for (const auto& run : thread.runs)
    for (const auto& frame : run.frames)
      if (frame.frame.address == address) return &frame;
  return nullptr;
}

PythonLock lock_of(const symbolize::python::PythonLockWait& found, const symbolize::python::PythonFrame& asking,
                   const Thread& thread) {
  PythonLock lock;
  lock.kind = found.kind == symbolize::python::PythonLockWait::Kind::rlock ? PythonLock::Kind::rlock
                                                                             : PythonLock::Kind::lock;
  lock.address = found.object;
  lock.type = found.type_name;
  lock.owner = found.owner_tid;
  lock.owner_ident = found.owner_ident;
  lock.count = found.count;
  lock.function = asking.qualname;
  lock.file = asking.filename;
  lock.line = asking.line;
  auto shown = std::ranges::find_if(thread.frames, [&](const Frame& frame) {
    return frame.kind == Frame::Kind::python && frame.python && frame.python->frame_address == found.frame;
  });
  if (shown != thread.frames.end()) lock.frame = shown->index;
  return lock;
}

}  // namespace

void add_python_lock_waits(const PythonReading& python, report::Report& report) {
  if (!python.process) return;
  for (auto& thread : report.threads) {
    if (!thread.wait || thread.wait->kind != Wait::Kind::futex || !thread.wait->address) continue;
    const auto* side = python_side(python, thread.tid);
    if (side == nullptr || !side->lock_wait || side->lock_wait->lock_word != *thread.wait->address) continue;
    const auto* asking = frame_at(*side, side->lock_wait->frame);
    if (asking == nullptr) continue;
    thread.wait->python_lock = lock_of(*side->lock_wait, *asking, thread);
  }
}

}  // namespace gmr::report
