// The bytes of one frame-cache file (symbolize/frame_cache.hpp): what the pcs of one module resolved to.
// Pure encoding and decoding, no I/O. decode() trusts nothing: any file that is not exactly what encode()
// writes for the expected module (wrong magic, version, gmr version, build id or debug-file identity, a
// length past the end, trailing bytes, a checksum mismatch) is refused as a whole.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gmr::symbolize {

/// One frame of a resolved pc, minus what the run supplies (pc, module path, module offset, build id) and
/// the source text (read from `source_path` at every dump, so an edited file shows its current text).
struct CachedFrame {
  bool inlined = false;
  std::optional<std::string> function;
  std::optional<std::uint64_t> function_offset;
  std::optional<std::string> file;
  std::optional<int> line;
  std::optional<int> column;
  std::optional<std::string> source_path;  // absolute path the source line is read from
  bool operator==(const CachedFrame&) const = default;
};

/// What one pc resolved to: its frames innermost first, and whether its CU had to be found without
/// .debug_aranges (the report notes such modules).
struct CachedPc {
  std::vector<CachedFrame> frames;
  bool without_aranges = false;
  bool operator==(const CachedPc&) const = default;
};

/// The key of a pc: its address in the module's own ELF address space and whether the frame is an
/// activation (the innermost frame or a signal frame: looked up at pc, not pc - 1).
using CachedPcKey = std::pair<std::uint64_t, bool>;

/// Whose resolutions a file holds: a cache file is used only when all of these are equal.
struct CacheFileIdentity {
  std::string gmr_version;  // another gmr may resolve differently: its version and executable file
  std::string build_id;     // hex, of the module's ELF file
  std::string debug_files;  // the debug files libdwfl finds for it, with their sizes and times
  bool operator==(const CacheFileIdentity&) const = default;
};

struct CacheFileContents {
  CacheFileIdentity identity;
  std::map<CachedPcKey, CachedPc> pcs;
};

std::string encode_cache_file(const CacheFileContents& contents);

/// The contents of `bytes` if it is a well-formed file for `expected`; nullopt otherwise.
std::optional<CacheFileContents> decode_cache_file(std::string_view bytes, const CacheFileIdentity& expected);

}  // namespace gmr::symbolize
