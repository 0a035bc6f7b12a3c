// The files behind a live target's mappings, opened the way attach/mapped_file.hpp describes: inside the
// target's root, through /proc/PID/map_files or /proc/PID/exe — as the target sees them, not as gmr's
// mount namespace names them. Valid while the process (for map_files: the mapping) still exists.
#pragma once

#include "attach/file_source.hpp"
#include "attach/process_layout.hpp"

namespace gmr::attach {

class LiveFiles final : public FileSource {
 public:
  /// The target `layout` describes (its pid, executable and root; the maps are not needed).
  explicit LiveFiles(ProcessLayout layout) : layout_(std::move(layout)) {}
  std::optional<OpenedFile> open(const Mapping& mapping) const override;

 private:
  ProcessLayout layout_;
};

}  // namespace gmr::attach
