// A code object of the target, with what a stack line shows: its names, file, first line and location
// table, and where its instructions are (to turn a frame's instruction pointer into an offset).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "attach/memory_source.hpp"
#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/layout.hpp"
#include "symbolize/python/object_types.hpp"

namespace gmr::symbolize::python {

/// The most code units a code object may have before it is taken for garbage (CPython's compiler stops
/// far below: jump offsets are ints, functions of a million instructions do not occur).
inline constexpr std::uint64_t max_code_units = std::uint64_t{1} << 24;

struct CodeObject {
  std::uint64_t address = 0;
  std::string name;      // co_name
  std::string qualname;  // co_qualname ("Class.method", "f.<locals>.g")
  std::string filename;  // co_filename, as the interpreter was given it (may be relative or "<string>")
  int firstlineno = 0;
  std::vector<std::byte> linetable;  // co_linetable
  std::uint64_t code_units = 0;      // Py_SIZE(code): 2-byte units of co_code_adaptive
  std::uint64_t code_start = 0;      // target address of co_code_adaptive
  std::int32_t stacksize = 0;        // co_stacksize: evaluation-stack slots of a frame running it
  std::int32_t nlocalsplus = 0;      // co_nlocalsplus: the frame's localsplus slots before its stack
};

/// The code object at `address`, after checking that its ob_type is the code type.
Decoded<CodeObject> read_code_object(const attach::MemorySource& memory, const PythonLayout& layout,
                                     const KnownTypes& known, std::uint64_t address);

}  // namespace gmr::symbolize::python
