// What a core needs of the files a target maps, read from the files after the target was let go: the GNU
// build id of each (so the machine that renders the core finds the right debug files and can tell a
// different file of the same name), and the first page of each ELF file mapped from offset 0 (its ELF and
// program headers and, as linkers place it, its build-id note) — what the kernel also puts in a core, so
// that gdb and libdwfl recognise the modules of the core.
#pragma once

#include <cstdint>
#include <vector>

#include "attach/file_source.hpp"
#include "attach/base/maps.hpp"
#include "report/core/snapshot_note.hpp"

namespace gmr::core {

struct ModuleHeader {
  std::uint64_t start = 0;         // the mapping's start: where the file's offset 0 is mapped
  std::uint64_t mapping_size = 0;  // the mapping's length
  std::vector<std::byte> bytes;    // the file's first page (less when the file is shorter)
};

struct ModuleFacts {
  BuildIds build_ids;
  std::vector<ModuleHeader> headers;  // sorted by start
};

/// One build id per distinct mapped ELF file that has one, one header per mapping of an ELF file at offset
/// 0; files that cannot be opened are left out. Opens each file once, through `files`.
ModuleFacts module_facts(const attach::Maps& maps, const attach::FileSource& files);

}  // namespace gmr::core
