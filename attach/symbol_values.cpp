#include "attach/symbol_values.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <span>
#include <sstream>

namespace gmr::attach {
namespace {

// No real string is this long; a larger "size" means the symbol does not hold what its type says.
constexpr std::uint64_t max_plausible_size = 1ULL << 40;
constexpr std::size_t chunk = 4096;

/// max_bytes + 1 (one byte more tells a cut), without wrapping to 0 for the largest size.
std::size_t one_more(std::size_t max_bytes) {
  return max_bytes == std::numeric_limits<std::size_t>::max() ? max_bytes : max_bytes + 1;
}

std::string hex(std::uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

std::optional<std::string> read_exact(const MemorySource& memory, std::uint64_t address, std::size_t size) {
  std::string bytes(size, '\0');
  if (memory.read(address, std::as_writable_bytes(std::span(bytes))) != size) return std::nullopt;
  return bytes;
}

std::uint64_t word(const std::string& bytes, std::size_t offset) {
  std::uint64_t v = 0;
  std::memcpy(&v, bytes.data() + offset, sizeof v);
  return v;
}

/// Reads from `address` up to the first NUL, at most max_bytes, in page-aligned chunks so that a string
/// ending just before an unmapped page is still read whole.
void read_c_string(const MemorySource& memory, std::uint64_t address, std::size_t max_bytes, SymbolValue& value) {
  std::string text;
  std::uint64_t at = address;
  char buffer[chunk];
  for (;;) {
    const std::size_t to_page_end = chunk - (at % chunk);
    const std::size_t want = std::min<std::size_t>(to_page_end, one_more(max_bytes) - text.size());
    const std::size_t got = memory.read(at, std::as_writable_bytes(std::span(buffer, want)));
    if (got == 0) {
      if (text.empty()) {
        value.error = value.symbol.name + " points to " + hex(address) + ", which is not readable memory";
      } else {
        value.text = text;
        value.truncated = true;
        value.error = "the string runs into unreadable memory at " + hex(at) + " before its NUL";
      }
      return;
    }
    const char* data = buffer;
    const void* nul = std::memchr(data, '\0', got);
    if (nul) {
      text.append(data, static_cast<const char*>(nul) - data);
      value.text = std::move(text);
      return;
    }
    text.append(data, got);
    at += got;
    if (text.size() > max_bytes) {
      text.resize(max_bytes);
      value.text = std::move(text);
      value.truncated = true;
      return;
    }
  }
}

void read_sized(const MemorySource& memory, std::uint64_t data, std::uint64_t size, std::size_t max_bytes, SymbolValue& value) {
  if (size > max_plausible_size) {
    value.error = value.symbol.name + " does not hold a valid " + value.symbol.type_name + " (size " + std::to_string(size) + ")";
    return;
  }
  value.data_address = data;
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size, max_bytes));
  if (want == 0) {
    value.text = "";
    return;
  }
  auto text = read_exact(memory, data, want);
  if (!text) {
    value.error = value.symbol.name + " points to " + hex(data) + ", which is not readable memory";
    return;
  }
  value.text = std::move(*text);
  value.truncated = size > max_bytes;
}

SymbolValue read_one(const MemorySource& memory, const SymbolRead& symbol, std::size_t max_bytes) {
  SymbolValue value;
  value.symbol = symbol;
  if (symbol.refused) {
    value.error = *symbol.refused;
    return value;
  }
  const std::size_t header = symbol.layout == ValueLayout::char_array     ? std::min(symbol.size, one_more(max_bytes))
                             : symbol.layout == ValueLayout::char_pointer ? 8
                                                                          : 16;
  if (header == 0) {
    value.error = symbol.name + " has size 0: nothing to read";
    return value;
  }
  auto bytes = read_exact(memory, symbol.address, header);
  if (!bytes) {
    value.error = symbol.name + " at " + hex(symbol.address) + " is not readable memory";
    return value;
  }
  switch (symbol.layout) {
    case ValueLayout::char_array: {
      const std::size_t nul = bytes->find('\0');
      std::string text = bytes->substr(0, nul);
      if (text.size() > max_bytes) {
        text.resize(max_bytes);
        value.truncated = true;
      }
      value.data_address = symbol.address;
      value.text = std::move(text);
      break;
    }
    case ValueLayout::char_pointer: {
      const std::uint64_t p = word(*bytes, 0);
      if (p == 0) {
        value.error = symbol.name + " is a null pointer";
        break;
      }
      value.data_address = p;
      read_c_string(memory, p, max_bytes, value);
      break;
    }
    case ValueLayout::std_string:
      read_sized(memory, word(*bytes, 0), word(*bytes, 8), max_bytes, value);
      break;
    case ValueLayout::std_string_view:
      read_sized(memory, word(*bytes, 8), word(*bytes, 0), max_bytes, value);
      break;
  }
  return value;
}

}  // namespace

std::vector<SymbolValue> read_symbol_values(const MemorySource& memory, const std::vector<SymbolRead>& symbols,
                                            std::size_t max_bytes) {
  std::vector<SymbolValue> values;
  values.reserve(symbols.size());
  for (const auto& s : symbols) values.push_back(read_one(memory, s, max_bytes));
  return values;
}

}  // namespace gmr::attach
