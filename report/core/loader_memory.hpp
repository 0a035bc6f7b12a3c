// The dynamic linker's list of loaded objects as the target's memory holds it, for debuggers reading a
// core: gdb finds a process's shared libraries only by walking it (the executable's DT_DEBUG entry ->
// r_debug -> link_map chain -> each l_name), never from NT_FILE. It changes only when the program loads or
// unloads a library; gmr reads it just after letting the target go (never while it is frozen: these
// bytes are not needed for the report).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "attach/snapshot.hpp"

namespace gmr::core {

/// One read of the target: the readable prefix of `size` bytes at `address`, nullopt when none is.
using ReadMemory = std::function<std::optional<attach::MemoryCopy>(std::uint64_t address, std::size_t size)>;

/// The copies a debugger needs to list the libraries: the executable's dynamic section, r_debug, every
/// link_map's first five words and its name. `auxv`: the target's auxiliary vector (AT_PHDR, AT_PHNUM).
/// Stops quietly where a read fails or a pointer leads nowhere; at most 4096 objects.
std::vector<attach::MemoryCopy> loader_memory(const std::string& auxv, const ReadMemory& read);

}  // namespace gmr::core
