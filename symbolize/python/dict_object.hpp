// Dicts of the target (combined and split tables of 3.11-3.13), and the attributes of instances whose
// class manages their dict: enough to read a module's globals or a Thread object's `_name`. Lookups by
// str key probe the hash table when the caller knows the target's str hash, else scan the entries in
// order, each key bounded by the length of the one looked for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "attach/memory_source.hpp"
#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/layout.hpp"
#include "symbolize/python/object_types.hpp"
#include "symbolize/python/str_hash.hpp"

namespace gmr::symbolize::python {

/// The most entries a dict may have to be read (sys.modules of a large service holds a few thousand).
inline constexpr std::size_t max_dict_entries = std::size_t{1} << 17;

struct DictEntry {
  std::uint64_t key = 0;
  std::uint64_t value = 0;
};

/// Every live entry of the dict at `dict` (its type checked), in insertion order.
Decoded<std::vector<DictEntry>> dict_entries(const attach::MemorySource& memory, const PythonLayout& layout,
                                             const KnownTypes& known, std::uint64_t dict,
                                             std::size_t limit = max_dict_entries);

/// The value of str key `key` in the dict at `dict`; nullopt when absent. An error when the key was not
/// found and some key could not be read (it might have been that one). With `hasher` (the target's str
/// hash, str_hash.hpp), an ASCII key is looked up in the dict's hash table first, reading a few slots
/// instead of every key; when that does not find it (absent, or a hash that is not the target's) the
/// dict is read key by key.
Decoded<std::optional<std::uint64_t>> dict_get_str(const attach::MemorySource& memory, const PythonLayout& layout,
                                                   const KnownTypes& known, std::uint64_t dict, std::string_view key,
                                                   const StrHasher* hasher = nullptr);

/// The attribute `name` of the instance at `object`, from its instance dict: the managed dict or inline
/// values (see ManagedDictModel), or the dict at tp_dictoffset. nullopt when the instance has no such
/// attribute in its dict (class attributes and slots are not looked at).
Decoded<std::optional<std::uint64_t>> instance_attribute(const attach::MemorySource& memory,
                                                         const PythonLayout& layout, const KnownTypes& known,
                                                         std::uint64_t object, std::string_view name);

/// The globals dict (md_dict) of the module object at `module` (its type checked).
Decoded<std::uint64_t> module_dict(const attach::MemorySource& memory, const PythonLayout& layout,
                                   const KnownTypes& known, std::uint64_t module);

}  // namespace gmr::symbolize::python
