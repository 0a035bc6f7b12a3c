#include "symbolize/python/unicode_object.hpp"

#include <algorithm>
#include <cstring>

#include "symbolize/python/remote_read.hpp"

namespace gmr::symbolize::python {
namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // a lone surrogate has no UTF-8 form
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Bytes beyond the header read together with it, so that a short string costs one read.
constexpr std::size_t speculative_data = 256;

}  // namespace

Decoded<std::string> utf8_from_code_units(std::span<const std::byte> data, unsigned kind, bool ascii) {
  if (kind != 1 && kind != 2 && kind != 4) return fail(DecodeFailure::out_of_range, "string kind " + std::to_string(kind));
  if (data.size() % kind != 0) return fail(DecodeFailure::corrupt, "string data is not a whole number of code units");
  std::string out;
  out.reserve(data.size());
  for (std::size_t i = 0; i < data.size(); i += kind) {
    std::uint32_t cp = 0;
    if (kind == 1) {
      cp = static_cast<std::uint8_t>(data[i]);
    } else if (kind == 2) {
      std::uint16_t u;
      std::memcpy(&u, data.data() + i, 2);
      cp = u;
    } else {
      std::memcpy(&cp, data.data() + i, 4);
    }
    if (ascii && cp >= 0x80) return fail(DecodeFailure::corrupt, "a non-ASCII character in a string flagged ASCII");
    if (cp > 0x10FFFF) return fail(DecodeFailure::corrupt, "code point " + hex(cp) + " is beyond U+10FFFF");
    append_utf8(out, cp);
  }
  return out;
}

Decoded<std::string> read_str(const attach::MemorySource& memory, const PythonLayout& layout,
                              const KnownTypes& known, std::uint64_t address, std::size_t max_chars) {
  const auto& u = layout.unicode;
  const std::size_t header = std::max<std::size_t>(u.compact_data, u.state + 4);
  const std::size_t needed = std::max<std::size_t>(u.state + 4, layout.object.ob_type + 8);
  auto read = read_prefix(memory, address, header + speculative_data, needed, "str");
  if (!read) return unexpected(read.error());
  const RemoteBlock& block = *read;

  if (auto ok = check_exact_type(memory, layout, known, block.pointer(layout.object.ob_type), BuiltinType::str); !ok)
    return unexpected(DecodeError{ok.error().failure, "str at " + hex(address) + ": " + ok.error().message});
  const auto length = block.get<std::int64_t>(u.length);
  if (length < 0) return fail(DecodeFailure::corrupt, "str at " + hex(address) + " has a negative length");
  if (static_cast<std::uint64_t>(length) > max_chars)
    return fail(DecodeFailure::too_long, "str at " + hex(address) + " has " + std::to_string(length) +
                                             " characters, more than " + std::to_string(max_chars));
  const auto state = block.get<std::uint32_t>(u.state);
  const unsigned kind = (state >> u.kind_shift) & 7;
  const bool compact = (state >> u.compact_bit) & 1;
  const bool ascii = (state >> u.ascii_bit) & 1;
  if (u.ready_bit && !((state >> *u.ready_bit) & 1))
    return fail(DecodeFailure::unsupported, "str at " + hex(address) + " is not ready (a legacy string)");
  if (!compact) return fail(DecodeFailure::unsupported, "str at " + hex(address) + " is a legacy (non-compact) string");
  if (kind != 1 && kind != 2 && kind != 4)
    return fail(DecodeFailure::out_of_range, "str at " + hex(address) + " has kind " + std::to_string(kind));
  if (ascii && kind != 1) return fail(DecodeFailure::corrupt, "str at " + hex(address) + " is ASCII with kind " + std::to_string(kind));

  const std::size_t data_offset = ascii ? u.ascii_data : u.compact_data;
  const std::size_t size = static_cast<std::size_t>(length) * kind;
  if (data_offset + size <= block.size())
    return utf8_from_code_units(block.bytes().subspan(data_offset, size), kind, ascii);
  auto data_address = field_address(address, static_cast<std::int64_t>(data_offset), "str data");
  if (!data_address) return unexpected(data_address.error());
  auto data = read_block(memory, *data_address, size, "str data");
  if (!data) return unexpected(data.error());
  return utf8_from_code_units(data->bytes(), kind, ascii);
}

}  // namespace gmr::symbolize::python
