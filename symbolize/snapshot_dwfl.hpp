// A libdwfl session over a Snapshot: modules come from the captured maps, thread state (registers, stack
// memory) from the captured copies. Works after the target has exited; never reads the live process's
// memory or registers (files are opened through /proc/PID/root while that still resolves).
#pragma once

#include <elfutils/libdwfl.h>

#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attach/snapshot.hpp"
#include "symbolize/captured_memory.hpp"
#include "symbolize/dwfl_handles.hpp"

namespace gmr::symbolize {

class SnapshotDwfl {
 public:
  /// Reports every module of `snapshot.maps` and attaches the thread state. `snapshot` must outlive the
  /// session. Fails only when libdwfl cannot start a session; a failed thread-state attach is kept as
  /// `unwind_unavailable()` so that names can still be looked up.
  static std::expected<std::unique_ptr<SnapshotDwfl>, std::string> open(const attach::Snapshot& snapshot);

  SnapshotDwfl(const SnapshotDwfl&) = delete;
  SnapshotDwfl& operator=(const SnapshotDwfl&) = delete;
  ~SnapshotDwfl();

  Dwfl* dwfl() const { return dwfl_.get(); }
  const attach::Snapshot& snapshot() const { return snapshot_; }
  /// Why threads cannot be unwound in this session (dwfl_attach_state failed), if they cannot.
  const std::optional<std::string>& unwind_unavailable() const { return unwind_unavailable_; }

  /// The first address the unwinder asked for that no kept copy holds, since the last forget_failed_read().
  /// libdwfl 0.188 ends an unwind whose return address cannot be read as if the outermost frame had been
  /// reached (dwfl_thread_getframes returns 0): this is how the caller tells the two apart.
  const std::optional<Dwarf_Addr>& failed_read() const { return failed_read_; }
  void forget_failed_read() { failed_read_.reset(); }

  /// Per-module context, reachable from libdwfl callbacks through the module's userdata.
  struct ModuleSource {
    SnapshotDwfl* session = nullptr;
    const attach::Mapping* first_mapping = nullptr;  // the mapping that starts the module
    bool vdso = false;
  };

  // Callback bodies (public so the C trampolines in the .cpp can reach them).
  int find_elf(const ModuleSource& source, char** file_name, Elf** elfp);
  bool read_memory(Dwarf_Addr address, Dwarf_Word* result);
  const attach::ThreadSnapshot* const* thread_begin() const { return unwindable_.data(); }
  const attach::ThreadSnapshot* const* thread_end() const { return unwindable_.data() + unwindable_.size(); }
  const attach::ThreadSnapshot* const* find_thread(pid_t tid) const;

 private:
  explicit SnapshotDwfl(const attach::Snapshot& snapshot);
  bool report_modules();
  void attach_threads();
  ModuleSource* add_source(const attach::Mapping* first, bool vdso);

  const attach::Snapshot& snapshot_;
  std::vector<std::unique_ptr<ModuleSource>> sources_;
  std::vector<char> vdso_image_;  // elf_memory() works in place on it: must outlive the Dwfl
  CapturedMemory memory_;
  std::vector<const attach::ThreadSnapshot*> unwindable_;  // frozen, with registers; sorted by tid
  std::optional<std::string> unwind_unavailable_;
  std::optional<Dwarf_Addr> failed_read_;
  DwflPtr dwfl_;  // last member: ended first, while everything its callbacks reach is still alive
};

}  // namespace gmr::symbolize
