#include "symbolize/python/object_types.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "symbolize/python/remote_read.hpp"

namespace gmr::symbolize::python {

const char* builtin_type_name(BuiltinType type) {
  switch (type) {
    case BuiltinType::code: return "code";
    case BuiltinType::str: return "str";
    case BuiltinType::bytes: return "bytes";
    case BuiltinType::int_: return "int";
    case BuiltinType::dict: return "dict";
    case BuiltinType::module: return "module";
    case BuiltinType::frame: return "frame";
  }
  return "?";
}

std::optional<std::uint64_t> KnownTypes::address_of(BuiltinType type) const {
  switch (type) {
    case BuiltinType::code: return code;
    case BuiltinType::str: return str;
    case BuiltinType::bytes: return bytes;
    case BuiltinType::int_: return int_;
    case BuiltinType::dict: return dict;
    case BuiltinType::module: return module;
    case BuiltinType::frame: return frame;
  }
  return std::nullopt;
}

Decoded<std::uint64_t> type_of(const attach::MemorySource& memory, const PythonLayout& layout, std::uint64_t object) {
  auto at = field_address(object, layout.object.ob_type, "ob_type");
  if (!at) return unexpected(at.error());
  auto type = read_word(memory, *at, "object");
  if (!type) return unexpected(type.error());
  if (*type == 0) return fail(DecodeFailure::null_pointer, "object at " + hex(object) + " has a NULL ob_type");
  return *type;
}

Decoded<std::string> type_name(const attach::MemorySource& memory, const PythonLayout& layout, std::uint64_t type) {
  auto at = field_address(type, layout.type.tp_name, "tp_name");
  if (!at) return unexpected(at.error());
  auto name_address = read_word(memory, *at, "type object");
  if (!name_address) return unexpected(name_address.error());
  if (*name_address == 0) return fail(DecodeFailure::null_pointer, "type at " + hex(type) + " has a NULL tp_name");
  // The name may end near the end of a mapping: take whatever prefix is readable and look for its NUL.
  std::array<std::byte, max_type_name + 1> buffer{};
  const std::size_t got = memory.read(*name_address, buffer);
  if (got == 0) return fail(DecodeFailure::unreadable, "tp_name of type " + hex(type) + " at " + hex(*name_address) + " is not readable");
  const auto end = std::find(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(got), std::byte{0});
  if (end == buffer.begin() + static_cast<std::ptrdiff_t>(got))
    return fail(got > max_type_name ? DecodeFailure::too_long : DecodeFailure::unreadable,
                "tp_name of type " + hex(type) + " has no end within " + std::to_string(got) + " bytes");
  std::string name(reinterpret_cast<const char*>(buffer.data()), static_cast<std::size_t>(end - buffer.begin()));
  for (unsigned char c : name)
    if (c < 0x20 || c >= 0x7f) return fail(DecodeFailure::corrupt, "tp_name of type " + hex(type) + " is not printable ASCII");
  return name;
}

Decoded<void> check_exact_type(const attach::MemorySource& memory, const PythonLayout& layout,
                               const KnownTypes& known, std::uint64_t type, BuiltinType expected) {
  if (auto address = known.address_of(expected)) {
    if (type == *address) return {};
    return fail(DecodeFailure::wrong_type, std::string("type ") + hex(type) + " is not " + builtin_type_name(expected) +
                                               " (" + hex(*address) + ")");
  }
  auto name = type_name(memory, layout, type);
  if (!name) return unexpected(name.error());
  if (*name == builtin_type_name(expected)) return {};
  return fail(DecodeFailure::wrong_type,
              "an object of type '" + *name + "' where " + builtin_type_name(expected) + " was expected");
}

Decoded<bool> derives_from(const attach::MemorySource& memory, const PythonLayout& layout, std::uint64_t type,
                           std::uint64_t base) {
  std::vector<std::uint64_t> seen;
  for (std::uint64_t t = type; t != 0;) {
    if (t == base) return true;
    if (std::find(seen.begin(), seen.end(), t) != seen.end())
      return fail(DecodeFailure::cycle, "the tp_base chain of type " + hex(type) + " loops at " + hex(t));
    if (seen.size() >= max_base_depth)
      return fail(DecodeFailure::too_many, "the tp_base chain of type " + hex(type) + " is longer than " +
                                               std::to_string(max_base_depth));
    seen.push_back(t);
    auto at = field_address(t, layout.type.tp_base, "tp_base");
    if (!at) return unexpected(at.error());
    auto next = read_word(memory, *at, "type object");
    if (!next) return unexpected(next.error());
    t = *next;
  }
  return false;
}

}  // namespace gmr::symbolize::python
