// The location table of a 3.11+ code object (`co_linetable`; format in CPython's Objects/locations.md):
// which source line (and columns) each instruction comes from. Pure functions over the table's bytes;
// every entry consumes at least one byte, so decoding is bounded by the table's length.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "symbolize/python/decode_error.hpp"

namespace gmr::symbolize::python {

/// Where an instruction comes from. A part CPython reports as None is nullopt.
struct SourcePosition {
  std::optional<int> line;
  std::optional<int> end_line;
  std::optional<int> column;  // 0-based, in UTF-8 bytes, as co_positions() gives it
  std::optional<int> end_column;
  bool operator==(const SourcePosition&) const = default;
};

/// One entry: the code units [start, end) share `position`.
struct LocationEntry {
  int start = 0;  // in 2-byte code units
  int end = 0;
  SourcePosition position;
};

/// Every entry of `table` for a code object whose co_firstlineno is `firstlineno`, in order (the ranges
/// tile [0, end of the last)). corrupt for an entry cut short, a varint too long, or a line that
/// overflows.
Decoded<std::vector<LocationEntry>> decode_location_table(std::span<const std::byte> table, int firstlineno);

/// The line of the code unit at `offset` by CPython's own rule (PyCode_Addr2Line): a negative offset gives
/// `firstlineno` (a frame that has not started), an offset the table does not cover or whose entry has no
/// line gives nullopt. Stops decoding at the entry that covers `offset`.
Decoded<std::optional<int>> line_for_offset(std::span<const std::byte> table, int firstlineno, int offset);

}  // namespace gmr::symbolize::python
