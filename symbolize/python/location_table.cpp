#include "symbolize/python/location_table.hpp"

#include <cstdint>
#include <limits>
#include <string>

namespace gmr::symbolize::python {
namespace {

// Entry codes (bits 3..6 of an entry's first byte).
constexpr unsigned code_one_line_0 = 10;  // 10, 11, 12: line delta 0, 1, 2; start and end column bytes
constexpr unsigned code_no_columns = 13;  // signed varint line delta
constexpr unsigned code_long = 14;        // signed varint line delta, varint end-line delta, column+1, end column+1
constexpr unsigned code_none = 15;        // no location

class Cursor {
 public:
  explicit Cursor(std::span<const std::byte> bytes) : bytes_(bytes) {}
  bool at_end() const { return pos_ >= bytes_.size(); }
  std::size_t position() const { return pos_; }

  Decoded<std::uint8_t> byte() {
    if (at_end()) return fail(DecodeFailure::corrupt, "location table: an entry is cut short at byte " + std::to_string(pos_));
    return static_cast<std::uint8_t>(bytes_[pos_++]);
  }
  // 6-bit chunks, least significant first; bit 6 set means another chunk follows. A continuation byte
  // never has bit 7 (that bit starts the next entry).
  Decoded<std::uint64_t> varint() {
    std::uint64_t value = 0;
    for (unsigned shift = 0;; shift += 6) {
      if (shift > 36) return fail(DecodeFailure::corrupt, "location table: a varint longer than 7 bytes at byte " + std::to_string(pos_));
      auto b = byte();
      if (!b) return unexpected(b.error());
      if (*b & 0x80) return fail(DecodeFailure::corrupt, "location table: a varint runs into the next entry at byte " + std::to_string(pos_ - 1));
      value |= static_cast<std::uint64_t>(*b & 0x3f) << shift;
      if (!(*b & 0x40)) return value;
    }
  }
  Decoded<std::int64_t> signed_varint() {
    auto u = varint();
    if (!u) return unexpected(u.error());
    const auto magnitude = static_cast<std::int64_t>(*u >> 1);
    return (*u & 1) ? -magnitude : magnitude;
  }

 private:
  std::span<const std::byte> bytes_;
  std::size_t pos_ = 0;
};

bool fits_int(std::int64_t v) { return v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max(); }

// Walks the entries, calling `visit(entry)` for each until it returns true (found) or the table ends.
template <class Visit>
Decoded<void> walk(std::span<const std::byte> table, int firstlineno, Visit visit) {
  Cursor in(table);
  std::int64_t line = firstlineno;  // CPython's computed_line: carried across entries without a line
  std::int64_t start = 0;
  while (!in.at_end()) {
    const std::size_t entry_at = in.position();
    auto first = in.byte();
    if (!first) return unexpected(first.error());
    if (!(*first & 0x80))
      return fail(DecodeFailure::corrupt, "location table: byte " + std::to_string(entry_at) + " does not start an entry");
    const unsigned code = (*first >> 3) & 15;
    const std::int64_t end = start + (*first & 7) + 1;
    if (!fits_int(end)) return fail(DecodeFailure::corrupt, "location table: more code units than an int holds");

    SourcePosition pos;
    std::int64_t end_line = 0, column = -1, end_column = -1;
    if (code == code_none) {
      // no line; `line` is left as it was for the entries that follow
    } else if (code == code_long) {
      auto delta = in.signed_varint();
      if (!delta) return unexpected(delta.error());
      auto end_delta = in.varint();
      if (!end_delta) return unexpected(end_delta.error());
      auto col = in.varint();
      if (!col) return unexpected(col.error());
      auto end_col = in.varint();
      if (!end_col) return unexpected(end_col.error());
      line += *delta;
      end_line = line + static_cast<std::int64_t>(*end_delta);
      column = static_cast<std::int64_t>(*col) - 1;
      end_column = static_cast<std::int64_t>(*end_col) - 1;
    } else if (code == code_no_columns) {
      auto delta = in.signed_varint();
      if (!delta) return unexpected(delta.error());
      line += *delta;
      end_line = line;
    } else if (code >= code_one_line_0) {
      line += code - code_one_line_0;
      end_line = line;
      auto col = in.byte();
      if (!col) return unexpected(col.error());
      auto end_col = in.byte();
      if (!end_col) return unexpected(end_col.error());
      column = *col;
      end_column = *end_col;
    } else {  // short forms 0..9: same line, column = code * 8 + the second byte's bits 4..6
      auto second = in.byte();
      if (!second) return unexpected(second.error());
      if (*second & 0x80)
        return fail(DecodeFailure::corrupt, "location table: a short-form entry is cut short at byte " + std::to_string(entry_at));
      end_line = line;
      column = static_cast<std::int64_t>(code) * 8 + ((*second >> 4) & 7);
      end_column = column + (*second & 15);
    }
    if (code != code_none) {
      if (!fits_int(line) || !fits_int(end_line) || !fits_int(column) || !fits_int(end_column))
        return fail(DecodeFailure::corrupt, "location table: a line or column beyond an int at byte " + std::to_string(entry_at));
      pos.line = static_cast<int>(line);
      pos.end_line = static_cast<int>(end_line);
      if (column >= 0) pos.column = static_cast<int>(column);
      if (end_column >= 0) pos.end_column = static_cast<int>(end_column);
    }
    if (visit(LocationEntry{static_cast<int>(start), static_cast<int>(end), pos})) return {};
    start = end;
  }
  return {};
}

}  // namespace

Decoded<std::vector<LocationEntry>> decode_location_table(std::span<const std::byte> table, int firstlineno) {
  std::vector<LocationEntry> entries;
  auto done = walk(table, firstlineno, [&](const LocationEntry& e) {
    entries.push_back(e);
    return false;
  });
  if (!done) return unexpected(done.error());
  return entries;
}

Decoded<std::optional<int>> line_for_offset(std::span<const std::byte> table, int firstlineno, int offset) {
  if (offset < 0) return std::optional<int>(firstlineno);
  std::optional<int> line;
  auto done = walk(table, firstlineno, [&](const LocationEntry& e) {
    if (offset >= e.end) return false;
    line = e.position.line;
    return true;
  });
  if (!done) return unexpected(done.error());
  return line;
}

}  // namespace gmr::symbolize::python
