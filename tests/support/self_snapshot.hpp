// Test helper: a Snapshot of this test process's address space (maps, vDSO, executable), with no threads.
// Enough to name addresses of this very process offline, the way build_report names a target's frames.
#pragma once

#include <unistd.h>

#include <climits>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "attach/proc_parse.hpp"
#include "attach/snapshot.hpp"

namespace gmr::test {

inline attach::Snapshot self_snapshot() {
  attach::Snapshot snapshot;
  snapshot.pid = getpid();
  snapshot.shares_gmr_root = true;
  std::ifstream in("/proc/self/maps");
  std::stringstream text;
  text << in.rdbuf();
  snapshot.maps = attach::parse_maps(text.str());
  for (const auto& m : snapshot.maps)
    if (m.path == "[vdso]") {
      attach::MemoryCopy copy;
      copy.start = m.start;
      copy.bytes.resize(m.end - m.start);
      std::memcpy(copy.bytes.data(), reinterpret_cast<const void*>(m.start), copy.bytes.size());
      snapshot.vdso = std::move(copy);
    }
  char exe[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) snapshot.exe_path = std::string(exe, static_cast<std::size_t>(n));
  return snapshot;
}

/// The path of the first mapping whose path ends with `suffix` ("/libc.so.6"); "" when none.
inline std::string mapped_path_ending(const attach::Snapshot& snapshot, const std::string& suffix) {
  for (const auto& m : snapshot.maps)
    if (m.path.ends_with(suffix)) return m.path;
  return "";
}

}  // namespace gmr::test
