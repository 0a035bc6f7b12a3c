// Test helper: a Snapshot of this test process's address space (its layout as attach::read_layout reads
// it, plus a copy of its vDSO), with no threads. Enough to name addresses of this very process offline,
// the way build_report names a target's frames.
#pragma once

#include <unistd.h>

#include <cstring>
#include <string>

#include "attach/live_files.hpp"
#include "attach/process_layout.hpp"
#include "attach/snapshot.hpp"

namespace gmr::test {

inline attach::Snapshot self_snapshot() {
  attach::ProcessLayout layout = attach::read_layout(getpid());
  attach::Snapshot snapshot;
  snapshot.pid = layout.pid;
  snapshot.maps = std::move(layout.maps);
  snapshot.exe_path = std::move(layout.exe_path);
  snapshot.exe_deleted = layout.exe_deleted;
  snapshot.shares_gmr_root = layout.shares_gmr_root;
  for (const auto& m : snapshot.maps)
    if (m.path == "[vdso]") {
      attach::MemoryCopy copy;
      copy.start = m.start;
      copy.bytes.resize(m.end - m.start);
      std::memcpy(copy.bytes.data(), reinterpret_cast<const void*>(m.start), copy.bytes.size());
      snapshot.vdso = std::move(copy);
    }
  return snapshot;
}

/// The files behind this process's mappings, as the live process shows them (for SnapshotDwfl::open).
inline const attach::LiveFiles& self_files() {
  static const attach::LiveFiles files(attach::read_layout(getpid()));
  return files;
}

/// The path of the first mapping whose path ends with `suffix` ("/libc.so.6"); "" when none.
inline std::string mapped_path_ending(const attach::Snapshot& snapshot, const std::string& suffix) {
  for (const auto& m : snapshot.maps)
    if (m.path.ends_with(suffix)) return m.path;
  return "";
}

}  // namespace gmr::test
