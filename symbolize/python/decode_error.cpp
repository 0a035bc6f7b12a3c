#include "symbolize/python/decode_error.hpp"

#include <cinttypes>
#include <cstdio>

namespace gmr::symbolize::python {

const char* failure_name(DecodeFailure failure) {
  switch (failure) {
    case DecodeFailure::unreadable: return "unreadable";
    case DecodeFailure::null_pointer: return "null_pointer";
    case DecodeFailure::wrong_type: return "wrong_type";
    case DecodeFailure::too_long: return "too_long";
    case DecodeFailure::out_of_range: return "out_of_range";
    case DecodeFailure::cycle: return "cycle";
    case DecodeFailure::too_many: return "too_many";
    case DecodeFailure::corrupt: return "corrupt";
    case DecodeFailure::unsupported: return "unsupported";
  }
  return "unknown";
}

std::string hex(std::uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, value);
  return buf;
}

}  // namespace gmr::symbolize::python
