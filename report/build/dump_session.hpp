// One dumped pid's libdwfl session, across the freeze. Opened over the target's layout before it, it plans
// the known symbols from the files (so that only memory is read while the target is frozen); handed the
// Snapshot after it, it unwinds and names the frames. Every ELF and DWARF file is opened once per pid.
//
//   report::DumpSession session(pid);
//   options.symbols = session.plan_known_symbols(config_symbol);
//   auto snapshot = attach::capture(pid, options);
//   report::Report report = session.build(*snapshot, build_options);
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "attach/file_source.hpp"
#include "attach/known_symbols.hpp"
#include "attach/process_layout.hpp"
#include "attach/snapshot.hpp"
#include "report/build/report_builder.hpp"
#include "report/report.hpp"
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

  /// After the capture, once: hands `snapshot` to the session (SnapshotDwfl::attach) and builds the Report
  /// with it. `snapshot` must outlive this object.
  Report build(const attach::Snapshot& snapshot, const BuildOptions& options);

 private:
  attach::ProcessLayout layout_;
  std::unique_ptr<const attach::FileSource> files_;
  symbolize::OpenedSession session_;  // after files_: ended before them
};

}  // namespace gmr::report
