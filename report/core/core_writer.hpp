// Writes a Snapshot as an ELF core file (layout: report/core/core_layout.hpp) that gdb, eu-stack and gmr
// itself read: the threads' registers (NT_PRSTATUS), the process (NT_PRPSINFO, NT_AUXV, NT_FILE), the
// memory gmr copied while frozen (PT_LOAD), and the gmr note with the rest of the Snapshot.
//
// The file holds memory of the target (stack contents, configuration values, possibly secrets): it is
// created with O_EXCL and mode 0600, never over an existing file, and removed again when writing fails.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>

#include "attach/snapshot.hpp"
#include "report/core/module_build_ids.hpp"
#include "report/core/snapshot_note.hpp"

namespace gmr::core {

struct CoreWriteError {
  enum class Kind {
    exists,         // a file of that name exists: never overwritten
    cannot_create,  // the directory is missing, not writable, read-only…
    write_failed,   // a write failed (ENOSPC, EDQUOT, EIO…): the partial file was removed
    too_large,      // the Snapshot does not fit the format (more than 65534 memory runs, a note over 4 GiB)
  };
  Kind kind = Kind::write_failed;
  std::string message;  // one line naming the file and the cause
  std::optional<int> errno_value;
};

/// A file created for the core, before anything is written: created before the freeze, so that a wrong
/// path is refused before the target is touched. Removed on destruction unless written.
class CoreFile {
 public:
  static std::expected<CoreFile, CoreWriteError> create(const std::string& path);
  CoreFile(CoreFile&& other) noexcept;
  CoreFile& operator=(CoreFile&&) = delete;
  CoreFile(const CoreFile&) = delete;
  ~CoreFile();
  const std::string& path() const { return path_; }

 private:
  friend struct CoreFileAccess;
  CoreFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_ = -1;
  bool keep_ = false;
};

struct CoreContents {
  std::string auxv;  // /proc/PID/auxv bytes; empty: no NT_AUXV note
  ModuleFacts modules;  // build ids (the gmr note) and first pages (PT_LOAD) of the mapped ELF files
  std::vector<attach::MemoryCopy> loader_memory;  // the dynamic linker's list (report/core/loader_memory.hpp)
  std::string gmr_version;
  std::optional<NotePython> python;  // how Python was read (the gmr note), absent with --no-python
};

struct CoreWritten {
  std::uint64_t file_bytes = 0;    // size of the core
  std::uint64_t memory_bytes = 0;  // bytes of memory in its PT_LOAD segments (copies and module headers)
  std::uint64_t copied_bytes = 0;  // bytes gmr copied while frozen (overlaps counted twice)
  std::uint64_t loader_bytes = 0;  // of memory_bytes: the dynamic linker's list, read after the release
  std::size_t segments = 0;        // PT_LOAD segments
};

/// Writes `snapshot` into `file` and closes it; on failure the file is removed.
std::expected<CoreWritten, CoreWriteError> write_core(CoreFile file, const attach::Snapshot& snapshot,
                                                      const CoreContents& contents);

}  // namespace gmr::core
