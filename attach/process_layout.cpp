#include "attach/process_layout.hpp"

#include <algorithm>

#include "attach/live_process.hpp"
#include "attach/proc_parse.hpp"

namespace gmr::attach {

ProcessLayout read_layout(ProcessConnection& process) {
  ProcessLayout layout;
  layout.pid = process.pid();
  if (auto text = process.maps_text()) layout.maps = parse_maps(*text);
  if (auto exe = process.executable()) {
    layout.exe_path = std::move(exe->path);
    layout.exe_deleted = exe->deleted;
  }
  layout.shares_gmr_root = process.shares_gmr_root();
  return layout;
}

ProcessLayout read_layout(pid_t pid) {
  LiveProcess process(pid);
  return read_layout(process);
}

ProcessLayout layout_of(const Snapshot& snapshot) {
  return ProcessLayout{snapshot.pid, snapshot.maps, snapshot.exe_path, snapshot.exe_deleted, snapshot.shares_gmr_root};
}

}  // namespace gmr::attach
