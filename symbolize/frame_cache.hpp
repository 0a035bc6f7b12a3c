// A persistent cache of what the pcs of a module resolved to (function, offset, inlined calls,
// file:line:column, the source file's path), so that a later dump of a process using the same files
// names its frames without opening — and, for compressed debug sections, inflating — their DWARF.
//
// One file per module, named by the module's build id, under `directory`/frames-v1/; a module without a
// build id is never cached. A file is used only when its identity (symbolize/frame_cache_file.hpp) equals
// the module's today: the gmr version and executable, the build id, and the debug files libdwfl can find
// for it (paths, sizes, modification times), so installing or removing a -dbg package, or another gmr,
// makes it stale, never wrong.
// A file that cannot be read, is corrupt or truncated, or belongs to something else is ignored and
// rewritten. Writes are atomic (a temporary file renamed over the old); the directory is kept under
// `max_bytes` by removing the least recently used files. A cache that cannot be read or written (no home,
// a read-only or full disk) makes gmr slower, never different: every failure here is silent.
#pragma once

#include <elfutils/libdwfl.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "symbolize/frame_cache_file.hpp"

namespace gmr::symbolize {

class FrameCache {
 public:
  static constexpr std::size_t default_max_bytes = std::size_t{32} << 20;

  /// $XDG_CACHE_HOME/gmr when XDG_CACHE_HOME is an absolute path, else $HOME/.cache/gmr, else the
  /// passwd entry's home + /.cache/gmr; nullopt when no home is known.
  static std::optional<std::string> default_directory();

  explicit FrameCache(std::string directory, std::size_t max_bytes = default_max_bytes)
      : directory_(std::move(directory)), max_bytes_(max_bytes) {}

  /// The identity `module` would have in the cache: nullopt when it has no build id (not cached).
  /// `module`'s ELF must have been opened (dwfl_module_getelf).
  std::optional<CacheFileIdentity> identity_of(Dwfl_Module* module) const;

  /// The cached resolution of `key` in the module of `identity`, if any. The first lookup of a module
  /// reads its file.
  const CachedPc* find(const CacheFileIdentity& identity, const CachedPcKey& key);
  /// Remembers a resolution made this run; written by save().
  void add(const CacheFileIdentity& identity, const CachedPcKey& key, CachedPc pc);

  /// Writes the file of every module that gained pcs, then trims the directory to its bound. Never fails
  /// loudly; returns how many files were written (for tests).
  std::size_t save();

  std::size_t hits() const { return hits_; }
  std::size_t misses() const { return misses_; }

 private:
  struct Module {
    CacheFileContents contents;
    bool dirty = false;
  };
  Module& module(const CacheFileIdentity& identity);
  std::string file_path(const std::string& build_id) const;
  bool write(const std::string& build_id, const CacheFileContents& contents) const;
  void trim() const;

  std::string directory_;
  std::size_t max_bytes_;
  std::map<std::string, Module> modules_;  // by build id
  std::size_t hits_ = 0;
  std::size_t misses_ = 0;
};

}  // namespace gmr::symbolize
