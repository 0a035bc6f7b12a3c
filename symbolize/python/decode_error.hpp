// Failures of the Python decoders as values: the target's memory is untrusted input (a thread may have
// been mid-update when frozen, a pointer may be wild, a build may not be the one the layout describes).
#pragma once

#include <cstdint>
#include <expected>
#include <string>

namespace gmr::symbolize::python {

enum class DecodeFailure {
  unreadable,    // the memory is not available (unmapped, not copied, cut short)
  null_pointer,  // a pointer that must be set is NULL
  wrong_type,    // an object's ob_type is not the expected type
  too_long,      // a length above the decoder's cap
  out_of_range,  // a value outside what the structure allows (instruction offset, string kind, ...)
  cycle,         // a linked list or chain that comes back on itself
  too_many,      // a list or chain longer than the decoder's cap
  corrupt,       // bytes that break the format (location table, string contents, debug offsets)
  unsupported,   // a build or version the layouts do not describe
};

/// A stable name for --json and messages: "unreadable", "wrong_type", ...
const char* failure_name(DecodeFailure failure);

struct DecodeError {
  DecodeFailure failure = DecodeFailure::corrupt;
  std::string message;  // one line, names what was being read and where
};

template <class T>
using Decoded = std::expected<T, DecodeError>;

inline std::unexpected<DecodeError> fail(DecodeFailure failure, std::string message) {
  return std::unexpected(DecodeError{failure, std::move(message)});
}

/// "0x7f12ab340000"
std::string hex(std::uint64_t value);

}  // namespace gmr::symbolize::python
