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
                                                   const KnownTypes& known, std::uint64_t dict, std::string_view key) {
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
