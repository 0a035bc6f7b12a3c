// The one libdwfl session of a dump. It starts before the freeze over the target's layout (modules only:
// enough to find the known symbols in the files) and is handed the Snapshot after it (the modules of the
// frozen maps, then the thread state: registers and stack memory from the captured copies), so every ELF
// and DWARF file is opened once per dump. Files come through an attach::FileSource; the process itself is
// never read: unwinding works after the target has exited.
#pragma once

#include <elfutils/libdwfl.h>

#include <cstddef>
#include <expected>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attach/file_source.hpp"
#include "attach/snapshot.hpp"
#include "symbolize/captured_memory.hpp"
#include "symbolize/dwfl_handles.hpp"

namespace gmr::symbolize {

class SnapshotDwfl;
/// A session, or why libdwfl could not start one.
using OpenedSession = std::expected<std::unique_ptr<SnapshotDwfl>, std::string>;

class SnapshotDwfl {
 public:
  /// Reports the modules of `maps` (the layout read before the freeze) without thread state; the vDSO waits
  /// for attach(), which brings its copy. `files` must outlive the session. Fails only when libdwfl cannot
  /// start a session or take the modules.
  static OpenedSession open(attach::Maps maps, const attach::FileSource& files);
  /// A session over a Snapshot alone: open(snapshot.maps, files), then attach(snapshot).
  static OpenedSession open(const attach::Snapshot& snapshot, const attach::FileSource& files);

  SnapshotDwfl(const SnapshotDwfl&) = delete;
  SnapshotDwfl& operator=(const SnapshotDwfl&) = delete;
  ~SnapshotDwfl();

  /// After the freeze, once: reports the modules again from `snapshot.maps` — libdwfl keeps each module
  /// whose name and address range are unchanged, with whatever it already read of its files, and drops or
  /// adds the others (a library dlopen'ed or dlclose'd since the layout was read) — then attaches the
  /// thread state. `snapshot` must outlive the session. A failure is kept as `unwind_unavailable()`, so
  /// that names can still be looked up.
  void attach(const attach::Snapshot& snapshot);

  /// `thread` of the attached snapshot is unwound: its stack copies (stack, interrupted_stack) are read no
  /// more, and may be freed. A thread is unwound from its own copies alone.
  void forget_stacks(const attach::ThreadSnapshot& thread);

  Dwfl* dwfl() const { return dwfl_.get(); }
  /// Why threads cannot be unwound in this session (no snapshot attached, or attaching failed), if they cannot.
  const std::optional<std::string>& unwind_unavailable() const { return unwind_unavailable_; }

  /// The first address the unwinder asked for that no kept copy holds, since the last forget_failed_read().
  /// libdwfl 0.188 ends an unwind whose return address cannot be read as if the outermost frame had been
  /// reached (dwfl_thread_getframes returns 0): this is how the caller tells the two apart.
  const std::optional<Dwarf_Addr>& failed_read() const { return failed_read_; }
  void forget_failed_read() { failed_read_.reset(); }

  /// Whether `address` is in an executable mapping of the attached snapshot's maps; and in one that is
  /// anonymous (no file, not the vDSO or vsyscall page): code generated at run time, as a JIT does.
  bool in_executable_mapping(std::uint64_t address) const;
  bool in_anonymous_code(std::uint64_t address) const;

  /// Per-module context, reachable from libdwfl callbacks through the module's userdata.
  struct ModuleSource {
    SnapshotDwfl* session = nullptr;
    const attach::Mapping* first_mapping = nullptr;  // the mapping that starts the module, last reported
    bool vdso = false;
  };

  // Callback bodies (public so the C trampolines in the .cpp can reach them).
  int find_elf(const ModuleSource& source, char** file_name, Elf** elfp);
  bool read_memory(Dwarf_Addr address, Dwarf_Word* result);
  const attach::ThreadSnapshot* const* thread_begin() const { return unwindable_.data(); }
  const attach::ThreadSnapshot* const* thread_end() const { return unwindable_.data() + unwindable_.size(); }
  const attach::ThreadSnapshot* const* find_thread(pid_t tid) const;

 private:
  SnapshotDwfl(attach::Maps maps, const attach::FileSource& files);
  bool report_modules(const attach::Maps& maps, bool with_vdso);
  ModuleSource* add_source(const attach::Mapping* first, bool vdso);

  attach::Maps layout_maps_;  // what open() reported; modules point here until attach()
  const attach::FileSource& files_;
  std::vector<std::unique_ptr<ModuleSource>> sources_;
  std::vector<char> vdso_image_;  // elf_memory() works in place on it: must outlive the Dwfl
  std::optional<CapturedMemory> memory_;
  const attach::Maps* maps_ = nullptr;  // of the attached snapshot
  std::vector<const attach::ThreadSnapshot*> unwindable_;  // frozen, with registers; sorted by tid
  std::optional<std::string> unwind_unavailable_;
  std::optional<Dwarf_Addr> failed_read_;
  DwflPtr dwfl_;  // last member: ended first, while everything its callbacks reach is still alive
};

/// How many libdwfl sessions (dwfl_begin calls) this process has started: lets a test show that a dump
/// opens one per pid.
std::size_t dwfl_sessions_begun();

}  // namespace gmr::symbolize
