#include "report/build/dump_session.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>

#include <algorithm>

#include "attach/live_files.hpp"
#include "symbolize/known_symbols_plan.hpp"
#include "symbolize/python_symbols.hpp"
#include "symbolize/snapshot_memory.hpp"

namespace gmr::report {
namespace {

// The futex word a thread sleeps on, from its registers: futex(addr, FUTEX_WAIT[_BITSET], …), or the
// restart_syscall that continues such a wait after a stop (the arguments stay in the registers). Words in
// the first page are no address (a restarted clock_nanosleep's clock id).
std::optional<std::uint64_t> futex_word(const user_regs_struct& regs) {
  const auto number = static_cast<long>(regs.orig_rax);
  if (number != SYS_futex && number != SYS_restart_syscall) return std::nullopt;
  const unsigned command = static_cast<unsigned>(regs.rsi) & FUTEX_CMD_MASK;
  if (command != FUTEX_WAIT && command != FUTEX_WAIT_BITSET) return std::nullopt;
  if (regs.rdi < 4096) return std::nullopt;
  return regs.rdi;
}

void add_futex_wait(std::vector<symbolize::python::WalkOptions::FutexWait>& waits, pid_t tid,
                    const user_regs_struct& regs) {
  if (auto word = futex_word(regs)) waits.push_back({tid, *word});
}

void sort_futex_waits(std::vector<symbolize::python::WalkOptions::FutexWait>& waits) {
  std::ranges::sort(waits, {}, &symbolize::python::WalkOptions::FutexWait::tid);
}

/// The stack mapping of each thread (the mapping holding its SP), from the maps read before the freeze:
/// both walks get the same ranges, so they decide alike which thread a greenlet belongs to.
void add_stack(const attach::Maps& maps, pid_t tid, std::uint64_t sp,
               std::vector<symbolize::python::ThreadStackRange>& stacks) {
  if (const attach::Mapping* mapping = maps.find(sp)) stacks.push_back({tid, mapping->start, mapping->end});
}

}  // namespace

DumpSession::DumpSession(pid_t pid) : DumpSession(attach::read_layout(pid)) {}

DumpSession::DumpSession(const attach::ProcessLayout& layout)
    : DumpSession(layout, std::make_unique<attach::LiveFiles>(layout)) {}

DumpSession::DumpSession(attach::ProcessLayout layout, std::unique_ptr<const attach::FileSource> files)
    : layout_(std::move(layout)),
      files_(std::move(files)),
      session_(symbolize::SnapshotDwfl::open(layout_.maps, *files_)) {}

std::vector<attach::SymbolRead> DumpSession::plan_known_symbols(const std::string& config_symbol) {
  if (!session_) return {};
  return symbolize::plan_known_symbols(**session_, layout_.exe_path, config_symbol);
}

const symbolize::python::PythonPlan& DumpSession::plan_python(const ReadNow& read_now,
                                                               symbolize::python::WalkOptions options) {
  python_plan_ = {};
  python_options_ = std::move(options);
  if (!session_) return python_plan_;
  const auto symbols = symbolize::find_python(**session_, layout_.exe_path);
  if (!symbols) return python_plan_;
  std::optional<attach::MemoryCopy> pre_freeze;
  if (auto read = symbolize::python_pre_freeze_read(*symbols)) pre_freeze = read_now(read->address, read->size);
  python_plan_ = symbolize::plan_python(*symbols, pre_freeze);
  return python_plan_;
}

attach::FrozenStep DumpSession::python_step() {
  if (!python_plan_.target) return {};
  return [this](const attach::MemorySource& memory, std::span<const attach::FrozenThread> threads) {
    symbolize::python::WalkOptions options = python_options_;
    std::vector<pid_t> tids;
    tids.reserve(threads.size());
    options.greenlets.stacks.clear();
    for (const auto& thread : threads) {
      tids.push_back(thread.tid);
      if (thread.registers == nullptr) continue;
      add_futex_wait(options.futex_waits, thread.tid, *thread.registers);
      add_stack(layout_.maps, thread.tid, thread.registers->rsp, options.greenlets.stacks);
    }
    std::ranges::sort(tids);
    options.process_tids = std::move(tids);
    sort_futex_waits(options.futex_waits);
    python_frozen_ = symbolize::python::read_python_process(memory, *python_plan_.target, options);
  };
}

PythonReading DumpSession::read_python(const attach::Snapshot& snapshot) const {
  PythonReading reading;
  using Kind = CaptureNote::Kind;
  if (python_plan_.refused) reading.notes.push_back({.kind = Kind::python_not_read, .reason = *python_plan_.refused});
  if (!python_plan_.target) return reading;
  if (python_memory_ == nullptr) {
    if (!snapshot.frozen_step) return reading;
    const auto& step = *snapshot.frozen_step;
    if (step.error) reading.notes.push_back({.kind = Kind::python_read_failed, .reason = *step.error});
    if (step.budget_hit) reading.notes.push_back({.kind = Kind::python_budget_spent, .count = step.budget});
  } else {
    std::byte probe[8];
    if (python_memory_->read(python_plan_.target->runtime, probe) != sizeof probe) {
      reading.notes.push_back({.kind = Kind::python_not_read, .reason = "the core does not hold the interpreter's memory"});
      return reading;
    }
  }
  // The same walk as the frozen-time step, over the pages it kept: the same threads (those with registers,
  // as the step was given them), the same options.
  symbolize::python::WalkOptions options = python_options_;
  std::vector<pid_t> tids;
  options.greenlets.stacks.clear();
  for (const auto& thread : snapshot.threads)
    if (thread.registers) {
      tids.push_back(thread.facts.tid);
      add_futex_wait(options.futex_waits, thread.facts.tid, *thread.registers);
      add_stack(layout_.maps, thread.facts.tid, thread.registers->rsp, options.greenlets.stacks);
    }
  std::ranges::sort(tids);
  options.process_tids = std::move(tids);
  sort_futex_waits(options.futex_waits);
  const symbolize::SnapshotMemory copies(snapshot);
  const attach::MemorySource& memory = python_memory_ != nullptr ? *python_memory_ : copies;
  reading.process = symbolize::python::read_python_process(memory, *python_plan_.target, options);
  reading.interpreter_module = python_plan_.target->module;
  return reading;
}

Report DumpSession::build(const attach::Snapshot& snapshot, const BuildOptions& options) {
  if (session_) (*session_)->attach(snapshot);
  python_ = read_python(snapshot);
  return build_report(snapshot, session_, options, python_);
}

Report DumpSession::build_releasing_stacks(attach::Snapshot& snapshot, const BuildOptions& options) {
  if (session_) (*session_)->attach(snapshot);
  python_ = read_python(snapshot);
  // `done` is an element of snapshot.threads, which does not change size during the build.
  return build_report(snapshot, session_, options, python_, [&](const attach::ThreadSnapshot& done) {
    if (session_) (*session_)->forget_stacks(done);
    attach::ThreadSnapshot& thread = snapshot.threads[static_cast<std::size_t>(&done - snapshot.threads.data())];
    thread.stack.reset();
    thread.interrupted_stack.reset();
  });
}

}  // namespace gmr::report
