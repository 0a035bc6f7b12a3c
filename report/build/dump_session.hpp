// One dumped pid's libdwfl session, across the freeze. Opened over the target's layout before it, it plans
// the known symbols and the Python interpreter's reading from the files (so that only memory is read
// while the target is frozen); handed the Snapshot after it, it unwinds and names the frames, and reads
// the Python threads again from the Snapshot's copies. Every ELF and DWARF file is opened once per pid.
//
//   report::DumpSession session(pid);
//   options.symbols = session.plan_known_symbols(config_symbol);
//   session.plan_python(read_now, {});                 // read_now: attach::read_memory_now of the target
//   options.while_frozen = session.python_step();      // empty when there is no Python to read
//   auto snapshot = attach::capture(pid, options);
//   report::Report report = session.build(*snapshot, build_options);
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attach/capture.hpp"
#include "attach/file_source.hpp"
#include "attach/known_symbols.hpp"
#include "attach/process_layout.hpp"
#include "attach/snapshot.hpp"
#include "report/build/python_reading.hpp"
#include "report/build/report_builder.hpp"
#include "report/report.hpp"
#include "symbolize/python/python_plan.hpp"
#include "symbolize/python/walker.hpp"
#include "symbolize/snapshot_dwfl.hpp"

namespace gmr::report {

class DumpSession {
 public:
  /// The live process `pid`: its layout read now (attach::read_layout), its files through attach::LiveFiles.
  explicit DumpSession(pid_t pid);
  /// The live process `layout` was read from.
  explicit DumpSession(const attach::ProcessLayout& layout);
  /// A target whose layout is known and whose files come from `files` (not null).
  DumpSession(attach::ProcessLayout layout, std::unique_ptr<const attach::FileSource> files);

  /// What to read while frozen (symbolize::plan_known_symbols); nothing when libdwfl could not start.
  std::vector<attach::SymbolRead> plan_known_symbols(const std::string& config_symbol);

  /// One read of the target before the freeze (attach::read_memory_now): the readable prefix of `size`
  /// bytes at `address`, nullopt when none is.
  using ReadNow = std::function<std::optional<attach::MemoryCopy>(std::uint64_t address, std::size_t size)>;

  /// Before the freeze: finds the target's CPython in its files (symbolize::find_python) and decides how to
  /// read it; for 3.13 `read_now` is called once, for the interpreter's description of its own layout.
  /// Without a call to this, no Python is read.
  const symbolize::python::PythonPlan& plan_python(const ReadNow& read_now, symbolize::python::WalkOptions options);

  /// For a core gmr did not write (no frozen-time step, no record of what matters): Python is read from
  /// `memory`, whatever the core holds, instead of the Snapshot's copies. A call to plan_python is still
  /// needed. `memory` must outlive build().
  void read_python_from(const attach::MemorySource& memory) { python_memory_ = &memory; }

  /// The frozen-time step for attach::CaptureOptions::while_frozen: the Python walker over the live
  /// process's memory, which keeps every page read. Empty when the plan has nothing to read. It refers to
  /// this session, which must outlive the capture.
  attach::FrozenStep python_step();

  /// After the capture, once: hands `snapshot` to the session (SnapshotDwfl::attach), reads the Python
  /// threads again from its copies, and builds the Report with both. `snapshot` must outlive this object.
  Report build(const attach::Snapshot& snapshot, const BuildOptions& options);
  /// The same, freeing each thread's stack copies as soon as the report has read them (its thread
  /// unwound): at 10,000 threads they are ~54 MB that need not be held next to the frames. Afterwards
  /// every thread of `snapshot` has no `stack` or `interrupted_stack`; the rest is as it was.
  Report build_releasing_stacks(attach::Snapshot& snapshot, const BuildOptions& options);

  /// What build() read of Python (the walker over the Snapshot), with its notes.
  const PythonReading& python() const { return python_; }
  /// What the frozen-time step itself read (the same walk over the live, frozen process): build() must
  /// find exactly this again.
  const std::optional<symbolize::python::PythonProcess>& python_while_frozen() const { return python_frozen_; }

 private:
  PythonReading read_python(const attach::Snapshot& snapshot) const;

  attach::ProcessLayout layout_;
  std::unique_ptr<const attach::FileSource> files_;
  symbolize::OpenedSession session_;  // after files_: ended before them
  symbolize::python::PythonPlan python_plan_;
  symbolize::python::WalkOptions python_options_;
  std::optional<symbolize::python::PythonProcess> python_frozen_;
  const attach::MemorySource* python_memory_ = nullptr;  // read_python_from
  PythonReading python_;
};

}  // namespace gmr::report
