// The files behind a target's mappings, for symbolize/: the ELF files libdwfl reads and the read-only
// bytes the unwinder needs. LiveFiles (attach/live_files.hpp) opens them as the live target sees them;
// a core-file reader would find them by build id or in a sysroot instead.
#pragma once

#include <optional>
#include <string>

#include "attach/base/unique_fd.hpp"
#include "attach/snapshot.hpp"

namespace gmr::attach {

struct OpenedFile {
  UniqueFd fd;
  std::string path;  // the path that was opened, for libdwfl's debuglink search and for messages
};

class FileSource {
 public:
  virtual ~FileSource() = default;
  /// Opens the regular file mapped by `mapping`, read-only. nullopt: nothing usable could be opened.
  virtual std::optional<OpenedFile> open(const Mapping& mapping) const = 0;
};

}  // namespace gmr::attach
