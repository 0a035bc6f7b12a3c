// Python bytes objects of the target (a code object's location table).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "attach/memory_source.hpp"
#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/layout.hpp"
#include "symbolize/python/object_types.hpp"

namespace gmr::symbolize::python {

/// The longest bytes object decoded (a location table is a few bytes per instruction).
inline constexpr std::size_t max_bytes_size = std::size_t{1} << 20;

/// The contents of the bytes object at `address`, after checking its type. too_long above `max_size`.
Decoded<std::vector<std::byte>> read_bytes_object(const attach::MemorySource& memory, const PythonLayout& layout,
                                                  const KnownTypes& known, std::uint64_t address,
                                                  std::size_t max_size = max_bytes_size);

}  // namespace gmr::symbolize::python
