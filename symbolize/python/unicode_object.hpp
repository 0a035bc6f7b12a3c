// Python str objects of the target as UTF-8: compact strings (ASCII, and UCS1/UCS2/UCS4 of PEP 393),
// which is every name, qualified name and file name a code object, module dict or thread holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "attach/memory_source.hpp"
#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/layout.hpp"
#include "symbolize/python/object_types.hpp"

namespace gmr::symbolize::python {

/// The longest string decoded, in code points (a name or a path; anything longer is not trusted).
inline constexpr std::size_t max_string_chars = 4096;

/// The str at `address` as UTF-8, after checking its type. Lone surrogates (which a Python str may hold)
/// become U+FFFD. Fails with too_long above `max_chars`, unsupported for a legacy (non-compact) string,
/// out_of_range for an impossible kind, corrupt for contents its flags forbid.
Decoded<std::string> read_str(const attach::MemorySource& memory, const PythonLayout& layout,
                              const KnownTypes& known, std::uint64_t address,
                              std::size_t max_chars = max_string_chars);

/// UTF-8 of `data`, code units of `kind` bytes (1, 2 or 4, native byte order). `ascii`: every unit must
/// be below 0x80. corrupt for a code point above U+10FFFF or a non-ASCII unit in an ASCII string.
Decoded<std::string> utf8_from_code_units(std::span<const std::byte> data, unsigned kind, bool ascii);

}  // namespace gmr::symbolize::python
