// Is this object what the layout says it should be? The run-time cross-check that comes before trusting
// any pointer read from the target: its ob_type is the interpreter's own type object (by address when
// the exported symbol is known, by tp_name otherwise), and a class derives from a base through a bounded
// tp_base chain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "attach/memory_source.hpp"
#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/layout.hpp"

namespace gmr::symbolize::python {

/// The built-in types the decoders check for.
enum class BuiltinType { code, str, bytes, int_, dict, module, frame };

/// "code", "str", ...: the tp_name of the built-in type.
const char* builtin_type_name(BuiltinType type);

/// Target addresses of the interpreter's exported type objects (PyCode_Type, PyUnicode_Type, ... with the
/// module's load bias applied). One left nullopt is recognised by its tp_name, which costs a read and is
/// a weaker check.
struct KnownTypes {
  std::optional<std::uint64_t> code;    // PyCode_Type
  std::optional<std::uint64_t> str;     // PyUnicode_Type
  std::optional<std::uint64_t> bytes;   // PyBytes_Type
  std::optional<std::uint64_t> int_;    // PyLong_Type
  std::optional<std::uint64_t> dict;    // PyDict_Type
  std::optional<std::uint64_t> module;  // PyModule_Type
  std::optional<std::uint64_t> frame;   // PyFrame_Type

  std::optional<std::uint64_t> address_of(BuiltinType type) const;
};

/// The longest tp_name read.
inline constexpr std::size_t max_type_name = 256;
/// The longest tp_base chain followed (CPython's deepest built-in chains are under 10).
inline constexpr std::size_t max_base_depth = 64;

/// The ob_type of the object at `object`.
Decoded<std::uint64_t> type_of(const attach::MemorySource& memory, const PythonLayout& layout, std::uint64_t object);

/// tp_name of the type object at `type` (NUL-terminated in the target; too_long past max_type_name).
Decoded<std::string> type_name(const attach::MemorySource& memory, const PythonLayout& layout, std::uint64_t type);

/// Whether `type` is exactly the built-in `expected`. wrong_type when it is not.
Decoded<void> check_exact_type(const attach::MemorySource& memory, const PythonLayout& layout,
                               const KnownTypes& known, std::uint64_t type, BuiltinType expected);

/// Whether `type` is `base` or has it among its tp_base ancestors. cycle when the chain loops, too_many
/// past max_base_depth.
Decoded<bool> derives_from(const attach::MemorySource& memory, const PythonLayout& layout, std::uint64_t type,
                           std::uint64_t base);

}  // namespace gmr::symbolize::python
