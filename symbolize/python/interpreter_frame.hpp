// One _PyInterpreterFrame of the target, and the instruction offset it is at. The frame's fields are
// only as good as the moment they were frozen: the thread running Python may have been mid-update, so
// the instruction pointer is range-checked against its code object before it names a line.
#pragma once

#include <cstdint>

#include "attach/memory_source.hpp"
#include "symbolize/python/code_object.hpp"
#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/layout.hpp"

namespace gmr::symbolize::python {

struct InterpreterFrame {
  std::uint64_t address = 0;
  std::uint64_t executable = 0;  // f_code (3.11, 3.12) or f_executable (3.13): not yet checked to be code
  std::uint64_t previous = 0;    // the caller's frame, 0 at the bottom of the chain
  std::uint64_t instr = 0;       // prev_instr or instr_ptr, as read (see InstructionPointer)
  std::uint64_t frame_obj = 0;
  std::uint8_t owner = 0;
  bool is_entry = false;  // 3.11: the first frame of its eval-loop activation (its run ends here)
  /// 3.12+: the shim frame an eval-loop activation begins with; the eval loop's own, no Python function.
  bool is_shim = false;
};

/// The frame at `address` (8-byte aligned, else corrupt).
Decoded<InterpreterFrame> read_interpreter_frame(const attach::MemorySource& memory, const PythonLayout& layout,
                                                 std::uint64_t address);

/// The frame's instruction offset in its code, in 2-byte code units, as CPython's _PyInterpreterFrame_LASTI
/// computes it: -1 for a 3.11/3.12 frame that has not run yet. out_of_range when the pointer is not inside
/// the code (a thread frozen mid-update, or a wrong code object), corrupt when it is odd.
Decoded<int> instruction_offset(const PythonLayout& layout, const InterpreterFrame& frame, const CodeObject& code);

}  // namespace gmr::symbolize::python
