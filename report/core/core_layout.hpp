// The fixed facts of gmr's core files: the owner name and type of gmr's own ELF note and its layout version.
//
// A gmr core is an ET_CORE ELF file for x86-64: one PT_NOTE segment (NT_PRSTATUS per frozen thread,
// NT_PRPSINFO, NT_AUXV, NT_FILE, and the gmr note), then one PT_LOAD per run of memory gmr copied while the
// target was frozen — nothing else of the address space. The gmr note ("GMR", type gmr_note_type) holds a
// JSON object (report/core/snapshot_note.hpp) whose "layout" member is gmr_note_layout; a reader refuses a
// higher major layout and names it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gmr::core {

inline constexpr std::string_view gmr_note_name = "GMR";
inline constexpr std::uint32_t gmr_note_type = 0x474d5201;  // "GMR" 1
inline constexpr int gmr_note_layout = 2;  // 2: the "python" member (snapshot_note.hpp)

/// Bounds every reader of a core applies before allocating, whatever the file claims.
inline constexpr std::size_t max_core_threads = 100'000;
inline constexpr std::size_t max_core_mappings = 1'000'000;
inline constexpr std::size_t max_core_segments = 1'000'000;
inline constexpr std::size_t max_note_bytes = 32u << 20;  // the gmr note (JSON parsed in memory; 10,000 threads: ~6 MiB)

}  // namespace gmr::core
