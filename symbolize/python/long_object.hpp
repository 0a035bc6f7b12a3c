// Python int objects of the target that fit in 64 bits (a thread ident, a count).
#pragma once

#include <cstdint>

#include "attach/memory_source.hpp"
#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/layout.hpp"
#include "symbolize/python/object_types.hpp"

namespace gmr::symbolize::python {

struct LongValue {
  bool negative = false;
  std::uint64_t magnitude = 0;
  bool operator==(const LongValue&) const = default;
};

/// The int at `address` (exactly int, not bool), after checking its type. too_long when its magnitude
/// needs more than 64 bits, corrupt for a digit of more than 30 bits or an impossible sign.
Decoded<LongValue> read_int(const attach::MemorySource& memory, const PythonLayout& layout, const KnownTypes& known,
                            std::uint64_t address);

}  // namespace gmr::symbolize::python
