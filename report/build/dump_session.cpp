#include "report/build/dump_session.hpp"

#include "attach/live_files.hpp"
#include "symbolize/known_symbols_plan.hpp"

namespace gmr::report {

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

Report DumpSession::build(const attach::Snapshot& snapshot, const BuildOptions& options) {
  if (session_) (*session_)->attach(snapshot);
  return build_report(snapshot, session_, options);
}

}  // namespace gmr::report
