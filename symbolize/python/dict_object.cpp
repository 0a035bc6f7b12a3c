#include "symbolize/python/dict_object.hpp"

#include <algorithm>
#include <string>

#include "symbolize/python/remote_read.hpp"
#include "symbolize/python/unicode_object.hpp"

namespace gmr::symbolize::python {
namespace {

constexpr std::uint8_t dict_keys_general = 0;  // entries {hash, key, value}; DICT_KEYS_UNICODE 1 and
constexpr std::uint8_t dict_keys_split = 2;    // DICT_KEYS_SPLIT 2 have {key, value}

// A keys table's entries: key, and the value stored in the entry (meaningless in a split table).
Decoded<std::vector<DictEntry>> keys_entries(const attach::MemorySource& memory, const PythonLayout& layout,
                                             std::uint64_t keys, std::size_t limit) {
  const auto& k = layout.dict_keys;
  auto block = read_block(memory, keys, k.indices, "dict keys");
  if (!block) return unexpected(block.error());
  const auto log2_size = block->get<std::uint8_t>(k.log2_size);
  const auto log2_index_bytes = block->get<std::uint8_t>(k.log2_index_bytes);
  const auto kind = block->get<std::uint8_t>(k.kind);
  const auto nentries = block->get<std::int64_t>(k.nentries);
  // The index holds 2**log2_size slots of 1, 2, 4 or 8 bytes.
  if (log2_size > 40 || log2_index_bytes < log2_size || log2_index_bytes > log2_size + 3 || kind > dict_keys_split)
    return fail(DecodeFailure::corrupt, "dict keys at " + hex(keys) + " have an impossible shape");
  if (nentries < 0 || (nentries > 0 && static_cast<std::uint64_t>(nentries) > (std::uint64_t{1} << log2_size)))
    return fail(DecodeFailure::corrupt, "dict keys at " + hex(keys) + " claim " + std::to_string(nentries) + " entries");
  if (static_cast<std::uint64_t>(nentries) > limit)
    return fail(DecodeFailure::too_many, "dict keys at " + hex(keys) + " hold " + std::to_string(nentries) +
                                             " entries, more than " + std::to_string(limit));
  const bool general = kind == dict_keys_general;
  const std::size_t entry_size = general ? k.entry_size : k.unicode_entry_size;
  auto entries_at = field_address(keys, static_cast<std::int64_t>(k.indices) + (std::int64_t{1} << log2_index_bytes), "dict entries");
  if (!entries_at) return unexpected(entries_at.error());
  std::vector<DictEntry> result;
  if (nentries == 0) return result;
  auto entries = read_block(memory, *entries_at, static_cast<std::size_t>(nentries) * entry_size, "dict entries");
  if (!entries) return unexpected(entries.error());
  const std::size_t key_at = general ? 8 : 0;  // me_hash comes first in a general entry
  for (std::int64_t i = 0; i < nentries; ++i) {
    const std::size_t base = static_cast<std::size_t>(i) * entry_size;
    result.push_back({entries->pointer(base + key_at), entries->pointer(base + key_at + 8)});
  }
  return result;
}

// Lookup in a split table: keys from `keys`, values from the PyDictValues array at `values` of which at
// most `capacity` are present.
Decoded<std::vector<DictEntry>> split_entries(const attach::MemorySource& memory, const PythonLayout& layout,
                                              std::uint64_t keys, std::uint64_t values, std::size_t capacity,
                                              std::size_t limit) {
  auto entries = keys_entries(memory, layout, keys, limit);
  if (!entries) return unexpected(entries.error());
  const std::size_t n = std::min(entries->size(), capacity);
  std::vector<DictEntry> result;
  if (n == 0) return result;
  auto array_at = field_address(values, layout.dict_values.values, "dict values");
  if (!array_at) return unexpected(array_at.error());
  auto array = read_block(memory, *array_at, n * 8, "dict values");
  if (!array) return unexpected(array.error());
  for (std::size_t i = 0; i < n; ++i) {
    const auto value = array->pointer(i * 8);
    if ((*entries)[i].key != 0 && value != 0) result.push_back({(*entries)[i].key, value});
  }
  return result;
}

// 3.13 keeps the number of slots of a PyDictValues in its first byte; earlier versions allocate every
// slot the shared keys can ever use.
Decoded<std::size_t> values_capacity(const attach::MemorySource& memory, const PythonLayout& layout, std::uint64_t values) {
  if (!layout.dict_values.valid) return max_dict_entries;
  auto header = read_block(memory, values, layout.dict_values.values, "dict values");
  if (!header) return unexpected(header.error());
  return static_cast<std::size_t>(header->get<std::uint8_t>(0));
}

Decoded<std::optional<std::uint64_t>> find_str(const attach::MemorySource& memory, const PythonLayout& layout,
                                               const KnownTypes& known, const std::vector<DictEntry>& entries,
                                               std::string_view key) {
  std::optional<DecodeError> unreadable;
  for (const auto& entry : entries) {
    // A key with more code points than `key` has UTF-8 bytes cannot be equal: too_long is a mismatch.
    auto text = read_str(memory, layout, known, entry.key, key.size());
    if (text) {
      if (*text == key) return std::optional<std::uint64_t>(entry.value);
      continue;
    }
    const auto failure = text.error().failure;
    if (failure == DecodeFailure::too_long || failure == DecodeFailure::wrong_type) continue;
    if (!unreadable) unreadable = text.error();
  }
  if (unreadable)
    return fail(unreadable->failure, "key '" + std::string(key) + "' not found, and a key could not be read: " + unreadable->message);
  return std::optional<std::uint64_t>();
}

/// What probing a combined table by a key's hash found.
enum class Probe { found, absent, unknown };

/// CPython's own lookup (Objects/dictobject.c): the slot `hash & mask`, then `i = (5i + perturb + 1) & mask`
/// with `perturb >>= 5`, until the slot holds the entry of an equal key (found) or is empty (absent). Reads
/// the index slots probed, their entries and the keys whose hash could match: a few reads instead of one
/// per key. unknown when anything is off (a key or slot that cannot be read, a loop that does not end):
/// the caller then reads every key.
Probe probe_str(const attach::MemorySource& memory, const PythonLayout& layout, const KnownTypes& known,
                std::uint64_t keys, std::string_view key, std::int64_t hash, std::uint64_t& value) {
  const auto& k = layout.dict_keys;
  auto block = read_block(memory, keys, k.indices, "dict keys");
  if (!block) return Probe::unknown;
  const auto log2_size = block->get<std::uint8_t>(k.log2_size);
  const auto log2_index_bytes = block->get<std::uint8_t>(k.log2_index_bytes);
  const auto kind = block->get<std::uint8_t>(k.kind);
  const auto nentries = block->get<std::int64_t>(k.nentries);
  if (log2_size > 40 || log2_index_bytes < log2_size || log2_index_bytes > log2_size + 3 || kind == dict_keys_split ||
      kind > dict_keys_split || nentries < 0 || static_cast<std::uint64_t>(nentries) > (std::uint64_t{1} << log2_size))
    return Probe::unknown;
  const bool general = kind == dict_keys_general;
  const std::size_t entry_size = general ? k.entry_size : k.unicode_entry_size;
  const unsigned width = 1u << (log2_index_bytes - log2_size);  // bytes per index slot
  const std::uint64_t mask = (std::uint64_t{1} << log2_size) - 1;
  const std::uint64_t entries_at = keys + k.indices + (std::uint64_t{1} << log2_index_bytes);
  auto perturb = static_cast<std::uint64_t>(hash);
  std::uint64_t i = perturb & mask;
  for (std::uint64_t probes = 0; probes <= mask + 1; ++probes) {
    auto slot = read_block(memory, keys + k.indices + i * width, width, "dict index");
    if (!slot) return Probe::unknown;
    std::int64_t ix = 0;
    switch (width) {
      case 1: ix = slot->get<std::int8_t>(0); break;
      case 2: ix = slot->get<std::int16_t>(0); break;
      case 4: ix = slot->get<std::int32_t>(0); break;
      default: ix = slot->get<std::int64_t>(0); break;
    }
    if (ix == -1) return Probe::absent;  // DKIX_EMPTY; -2 is DKIX_DUMMY (a deleted entry): go on
    if (ix >= nentries) return Probe::unknown;
    if (ix >= 0) {
      auto entry = read_block(memory, entries_at + static_cast<std::uint64_t>(ix) * entry_size, entry_size, "dict entry");
      if (!entry) return Probe::unknown;
      const std::size_t key_at = general ? 8 : 0;
      const bool hash_may_match = !general || entry->get<std::int64_t>(0) == hash;
      if (hash_may_match && entry->pointer(key_at) != 0) {
        auto text = read_str(memory, layout, known, entry->pointer(key_at), key.size());
        if (text && *text == key) {
          value = entry->pointer(key_at + 8);
          return value != 0 ? Probe::found : Probe::unknown;
        }
        if (!text && text.error().failure != DecodeFailure::too_long && text.error().failure != DecodeFailure::wrong_type)
          return Probe::unknown;
      }
    }
    perturb >>= 5;
    i = (i * 5 + perturb + 1) & mask;
  }
  return Probe::unknown;
}

}  // namespace

Decoded<std::vector<DictEntry>> dict_entries(const attach::MemorySource& memory, const PythonLayout& layout,
                                             const KnownTypes& known, std::uint64_t dict, std::size_t limit) {
  const auto& d = layout.dict;
  const std::size_t size = block_size({layout.object.ob_type, d.ma_used, d.ma_keys, d.ma_values});
  auto block = read_prefix(memory, dict, size, layout.object.ob_type + 8, "dict");
  if (!block) return unexpected(block.error());
  if (auto ok = check_exact_type(memory, layout, known, block->pointer(layout.object.ob_type), BuiltinType::dict); !ok)
    return unexpected(DecodeError{ok.error().failure, "dict at " + hex(dict) + ": " + ok.error().message});
  if (block->size() < size) return fail(DecodeFailure::unreadable, "dict at " + hex(dict) + " is cut short");
  const auto keys = block->pointer(d.ma_keys);
  const auto values = block->pointer(d.ma_values);
  if (values != 0) {
    auto capacity = values_capacity(memory, layout, values);
    if (!capacity) return unexpected(capacity.error());
    return split_entries(memory, layout, keys, values, *capacity, limit);
  }
  auto entries = keys_entries(memory, layout, keys, limit);
  if (!entries) return unexpected(entries.error());
  std::erase_if(*entries, [](const DictEntry& e) { return e.key == 0 || e.value == 0; });
  return entries;
}

Decoded<std::optional<std::uint64_t>> dict_get_str(const attach::MemorySource& memory, const PythonLayout& layout,
                                                   const KnownTypes& known, std::uint64_t dict, std::string_view key,
                                                   const StrHasher* hasher) {
  const bool ascii = std::ranges::all_of(key, [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (hasher != nullptr && !key.empty() && ascii) {
    const auto& d = layout.dict;
    const std::size_t size = block_size({layout.object.ob_type, d.ma_used, d.ma_keys, d.ma_values});
    auto block = read_block(memory, dict, size, "dict");
    if (block && known.dict && block->pointer(layout.object.ob_type) == *known.dict && block->pointer(d.ma_values) == 0) {
      std::uint64_t value = 0;
      switch (probe_str(memory, layout, known, block->pointer(d.ma_keys), key, hasher->hash(key), value)) {
        case Probe::found: return std::optional<std::uint64_t>(value);
        // absent only means absent when the hash is the target's (another hash algorithm, a wrong secret):
        // the scan below decides.
        case Probe::absent:
        case Probe::unknown: break;
      }
    }
  }
  auto entries = dict_entries(memory, layout, known, dict);
  if (!entries) return unexpected(entries.error());
  return find_str(memory, layout, known, *entries, key);
}

Decoded<std::optional<std::uint64_t>> instance_attribute(const attach::MemorySource& memory,
                                                         const PythonLayout& layout, const KnownTypes& known,
                                                         std::uint64_t object, std::string_view name) {
  auto type = type_of(memory, layout, object);
  if (!type) return unexpected(type.error());
  const auto& t = layout.type;
  auto type_block = read_block(memory, *type, block_size({t.tp_flags, t.tp_dictoffset, t.ht_cached_keys}), "type object");
  if (!type_block) return unexpected(type_block.error());
  const auto flags = type_block->get<std::uint64_t>(t.tp_flags);
  const auto cached_keys = type_block->pointer(t.ht_cached_keys);

  auto in_values = [&](std::uint64_t values) -> Decoded<std::optional<std::uint64_t>> {
    if (cached_keys == 0) return fail(DecodeFailure::corrupt, "instance values without the class's shared keys");
    auto capacity = values_capacity(memory, layout, values);
    if (!capacity) return unexpected(capacity.error());
    auto entries = split_entries(memory, layout, cached_keys, values, *capacity, max_dict_entries);
    if (!entries) return unexpected(entries.error());
    return find_str(memory, layout, known, *entries, name);
  };
  auto in_dict = [&](std::uint64_t dict) -> Decoded<std::optional<std::uint64_t>> {
    if (dict == 0) return std::optional<std::uint64_t>();  // no attribute set yet
    return dict_get_str(memory, layout, known, dict, name);
  };
  auto word_at = [&](std::int64_t offset) -> Decoded<std::uint64_t> {
    auto at = field_address(object, offset, "instance pre-header");
    if (!at) return unexpected(at.error());
    return read_word(memory, *at, "instance");
  };

  if (!(flags & t.flag_managed_dict)) {
    const auto dictoffset = type_block->get<std::int64_t>(t.tp_dictoffset);
    if (dictoffset <= 0)
      return fail(DecodeFailure::unsupported, "instance at " + hex(object) + " has no dict at a fixed offset");
    auto dict = word_at(dictoffset);
    if (!dict) return unexpected(dict.error());
    return in_dict(*dict);
  }
  const auto& m = layout.managed_dict;
  switch (layout.managed_dict_model) {
    case ManagedDictModel::values_pointer_then_dict: {
      auto values = word_at(m.values_pointer.value_or(0));
      if (!values) return unexpected(values.error());
      if (*values != 0) return in_values(*values);
      break;
    }
    case ManagedDictModel::tagged_dict_or_values: {
      auto word = word_at(m.dict_pointer);
      if (!word) return unexpected(word.error());
      if (*word & 1) return in_values(*word + 1);
      return in_dict(*word);
    }
    case ManagedDictModel::inline_values: {
      if (flags & t.flag_inline_values) {
        auto values = field_address(object, m.inline_values.value_or(0), "inline values");
        if (!values) return unexpected(values.error());
        auto header = read_block(memory, *values, layout.dict_values.values, "inline values");
        if (!header) return unexpected(header.error());
        if (header->get<std::uint8_t>(layout.dict_values.valid.value_or(0)) != 0) return in_values(*values);
      }
      break;
    }
  }
  auto dict = word_at(m.dict_pointer);
  if (!dict) return unexpected(dict.error());
  return in_dict(*dict);
}

Decoded<std::uint64_t> module_dict(const attach::MemorySource& memory, const PythonLayout& layout,
                                   const KnownTypes& known, std::uint64_t module) {
  const std::size_t size = block_size({layout.object.ob_type, layout.module.md_dict});
  auto block = read_prefix(memory, module, size, layout.object.ob_type + 8, "module");
  if (!block) return unexpected(block.error());
  if (auto ok = check_exact_type(memory, layout, known, block->pointer(layout.object.ob_type), BuiltinType::module); !ok)
    return unexpected(DecodeError{ok.error().failure, "module at " + hex(module) + ": " + ok.error().message});
  if (block->size() < size) return fail(DecodeFailure::unreadable, "module at " + hex(module) + " is cut short");
  const auto dict = block->pointer(layout.module.md_dict);
  if (dict == 0) return fail(DecodeFailure::null_pointer, "module at " + hex(module) + " has no dict");
  return dict;
}

}  // namespace gmr::symbolize::python
