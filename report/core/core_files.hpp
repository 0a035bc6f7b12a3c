// The files behind a core's mappings, on the machine that renders it: the path the core names, under
// --sysroot when given, or the file given with --exe for the executable. When the core recorded a file's
// build id (gmr's note), a candidate with another build id is refused: a file of the same name from
// another build would name frames wrongly. Debug files are then found by libdwfl from the build id
// (/usr/lib/debug/.build-id, debuginfod when DEBUGINFOD_URLS is set).
#pragma once

#include <optional>
#include <string>

#include "attach/file_source.hpp"
#include "report/core/snapshot_note.hpp"

namespace gmr::core {

struct CoreFilesOptions {
  std::optional<std::string> sysroot;    // --sysroot DIR: every path is looked up under DIR
  std::optional<std::string> exe;        // --exe FILE: the executable
  std::optional<std::string> exe_path;   // the executable's path as the core names it
  BuildIds build_ids;
};

class CoreFiles final : public attach::FileSource {
 public:
  explicit CoreFiles(CoreFilesOptions options) : options_(std::move(options)) {}
  std::optional<attach::OpenedFile> open(const attach::Mapping& mapping) const override;

 private:
  CoreFilesOptions options_;
};

/// The GNU build id of the ELF file open at `fd`, lower-case hex; nullopt when it has none.
std::optional<std::string> build_id_of(int fd);

}  // namespace gmr::core
