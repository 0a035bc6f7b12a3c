// Opening the file behind a captured mapping without relying on the process still being alive, and as the
// target saw it (its mount namespace), not as gmr's namespace happens to name it.
#pragma once

#include <optional>

#include "attach/file_source.hpp"
#include "attach/process_layout.hpp"

namespace gmr::attach {

/// Opens the regular file mapped by `mapping` of `target`'s process. Tries, in order:
/// a live file: <path> resolved inside /proc/PID/root (RESOLVE_IN_ROOT), then <path> in gmr's own root only
/// when the target shares it (ProcessLayout::shares_gmr_root), then /proc/PID/map_files/<start>-<end>;
/// a "(deleted)" file: /proc/PID/exe (when it is the executable), then /proc/PID/map_files/<start>-<end>.
/// A candidate whose inode matches the mapping's wins; otherwise the first regular file that opens (inodes
/// differ on overlay file systems). Never opens devices or FIFOs. nullopt: nothing usable could be opened.
std::optional<OpenedFile> open_mapped_file(const attach::ProcessLayout& target, const attach::Mapping& mapping);

}  // namespace gmr::attach
