#include "symbolize/python/interpreter_frame.hpp"

#include "symbolize/python/remote_read.hpp"

namespace gmr::symbolize::python {

Decoded<InterpreterFrame> read_interpreter_frame(const attach::MemorySource& memory, const PythonLayout& layout,
                                                 std::uint64_t address) {
  if (address % 8 != 0) return fail(DecodeFailure::corrupt, "frame pointer " + hex(address) + " is not aligned");
  const auto& f = layout.frame;
  auto block = read_block(memory, address,
                          block_size({f.code, f.previous, f.frame_obj, f.instr, f.owner, f.is_entry.value_or(0)}),
                          "interpreter frame");
  if (!block) return unexpected(block.error());
  InterpreterFrame frame;
  frame.address = address;
  frame.executable = block->pointer(f.code);
  frame.previous = block->pointer(f.previous);
  frame.instr = block->pointer(f.instr);
  frame.frame_obj = block->pointer(f.frame_obj);
  frame.owner = block->get<std::uint8_t>(f.owner);
  if (f.is_entry) frame.is_entry = block->get<std::uint8_t>(*f.is_entry) != 0;
  frame.is_shim = layout.frame_model != FrameModel::cframe_entry_flag && frame.owner == frame_owned_by_cstack;
  return frame;
}

Decoded<int> instruction_offset(const PythonLayout& layout, const InterpreterFrame& frame, const CodeObject& code) {
  // Unsigned difference, read as signed: a pointer below the code start gives a negative offset.
  const auto bytes = static_cast<std::int64_t>(frame.instr - code.code_start);
  if (bytes % 2 != 0)
    return fail(DecodeFailure::corrupt, "instruction pointer " + hex(frame.instr) + " of frame " + hex(frame.address) +
                                            " is not on a code unit");
  const std::int64_t offset = bytes / 2;
  const std::int64_t lowest = layout.instruction_pointer == InstructionPointer::previous_code_unit ? -1 : 0;
  if (offset < lowest || offset >= static_cast<std::int64_t>(code.code_units))
    return fail(DecodeFailure::out_of_range, "instruction pointer " + hex(frame.instr) + " of frame " + hex(frame.address) +
                                                 " is outside its code (" + std::to_string(code.code_units) +
                                                 " code units at " + hex(code.code_start) + ")");
  return static_cast<int>(offset);
}

}  // namespace gmr::symbolize::python
