#include "symbolize/python/static_layouts.hpp"

namespace gmr::symbolize::python {
namespace {

// What did not change from 3.11 to 3.13: object headers, strings, bytes, dicts, the GC lists, the
// stack chunks, the GIL struct, the type object's fields up to tp_dictoffset.
PythonLayout common() {
  PythonLayout l;
  l.gil = {.last_holder = 8, .locked = 16};
  l.gc = {.generations = 24,
          .number_of_generations = 3,
          .generation_size = 24,
          .generation_threshold = 16,
          .generation_count = 20,
          .permanent_generation = 104,
          .collecting = 200,
          .gc_head_size = 16,
          .gc_next = 0,
          .gc_prev = 8};
  l.thread.prev = 0;
  l.thread.next = 8;
  l.thread.interp = 16;
  l.code.ob_size = 16;
  l.code.filename = 112;
  l.code.name = 120;
  l.code.qualname = 128;
  l.code.linetable = 136;
  l.object = {.ob_type = 8, .ob_size = 16, .size = 16};
  l.type.tp_name = 24;
  l.type.tp_basicsize = 32;
  l.type.tp_flags = 168;
  l.type.tp_base = 256;
  l.type.tp_dictoffset = 288;
  l.type.flag_managed_dict = 1u << 4;
  l.unicode.length = 16;
  l.unicode.state = 32;
  l.unicode.kind_shift = 2;
  l.unicode.compact_bit = 5;
  l.unicode.ascii_bit = 6;
  l.bytes = {.ob_size = 16, .ob_sval = 32};
  l.dict = {.ma_used = 16, .ma_keys = 32, .ma_values = 40};
  l.dict_keys = {.log2_size = 8,
                 .log2_index_bytes = 9,
                 .kind = 10,
                 .nentries = 24,
                 .indices = 32,
                 .entry_size = 24,
                 .unicode_entry_size = 16};
  l.managed_dict.dict_pointer = -24;
  l.module.md_dict = 16;
  l.frame_object = {.f_back = 16, .f_frame = 24};
  l.stack_chunk = {.previous = 0, .size = 8, .top = 16, .data = 24};
  l.cfunction.m_self = 24;
  l.lock = {.lock_lock = 16, .in_weakreflist = 24, .locked = 32, .size = 40};
  l.rlock = {.rlock_lock = 16, .owner = 24, .count = 32, .in_weakreflist = 40, .size = 48};
  return l;
}

}  // namespace

PythonLayout layout_3_11() {
  PythonLayout l = common();
  l.version = 0x030b00f0;
  l.provenance = "static table for CPython 3.11 (checked against the 3.11.2 and 3.11.7 headers)";
  l.frame_model = FrameModel::cframe_entry_flag;
  l.instruction_pointer = InstructionPointer::previous_code_unit;
  l.gil_model = GilModel::runtime_gil;
  l.managed_dict_model = ManagedDictModel::values_pointer_then_dict;
  l.runtime = {.interpreters_head = 40, .interpreters_main = 48, .gilstate_tstate_current = 576, .gil = 360};
  l.interpreter = {.next = 0,
                   .threads_head = 16,
                   .id = 48,
                   .gc = 648,
                   .modules = 888,
                   .sysdict = 904,
                   .builtins = 912,
                   .ceval_gil = std::nullopt};
  l.thread.thread_id = 152;
  l.thread.native_thread_id = 160;
  l.thread.datastack_chunk = 296;
  l.thread.datastack_top = 304;
  l.thread.cframe = 56;
  l.thread.root_cframe = 336;
  l.cframe = {.current_frame = 8, .previous = 16};
  l.frame = {.code = 32,
             .previous = 48,
             .frame_obj = 40,
             .instr = 56,
             .owner = 69,
             .localsplus = 72,
             .size = 80,
             .is_entry = 68};
  l.code.firstlineno = 72;
  l.code.code_adaptive = 184;
  l.code.stacksize = 68;
  l.code.nlocalsplus = 76;
  l.type.ht_cached_keys = 872;
  l.unicode.ascii_data = 48;
  l.unicode.compact_data = 72;
  l.unicode.ready_bit = 7;
  l.long_ = {.size_or_tag = 16, .digits = 24, .tagged = false};
  l.dict_values = {.values = 0, .valid = std::nullopt};
  l.managed_dict.values_pointer = -32;
  return l;
}

PythonLayout layout_3_12() {
  PythonLayout l = common();
  l.version = 0x030c00f0;
  l.provenance = "static table for CPython 3.12 (checked against the 3.12.1 headers)";
  l.frame_model = FrameModel::cframe_shim_frames;
  l.instruction_pointer = InstructionPointer::previous_code_unit;
  l.gil_model = GilModel::interpreter_gil_pointer;
  l.managed_dict_model = ManagedDictModel::tagged_dict_or_values;
  l.runtime = {.interpreters_head = 40, .interpreters_main = 48, .gilstate_tstate_current = std::nullopt, .gil = std::nullopt};
  l.interpreter = {.next = 0,
                   .threads_head = 72,
                   .id = 8,
                   .gc = 112,
                   .modules = 944,
                   .sysdict = 352,
                   .builtins = 360,
                   .ceval_gil = 384};
  l.thread.thread_id = 136;
  l.thread.native_thread_id = 144;
  l.thread.datastack_chunk = 232;
  l.thread.datastack_top = 240;
  l.thread.cframe = 56;
  l.thread.root_cframe = 272;
  l.cframe = {.current_frame = 0, .previous = 8};
  l.frame = {.code = 0,
             .previous = 8,
             .frame_obj = 48,
             .instr = 56,
             .owner = 70,
             .localsplus = 72,
             .size = 80,
             .is_entry = std::nullopt};
  l.code.firstlineno = 68;
  l.code.code_adaptive = 192;
  l.code.stacksize = 64;
  l.code.nlocalsplus = 72;
  l.type.ht_cached_keys = 880;
  l.unicode.ascii_data = 40;
  l.unicode.compact_data = 56;
  l.long_ = {.size_or_tag = 16, .digits = 24, .tagged = true};
  l.dict_values = {.values = 0, .valid = std::nullopt};
  return l;
}

PythonLayout layout_3_13() {
  PythonLayout l = common();
  l.version = 0x030d00f0;
  l.provenance = "static table for CPython 3.13 (checked against the 3.13.0 headers)";
  l.frame_model = FrameModel::current_frame_shim_frames;
  l.instruction_pointer = InstructionPointer::current_instruction;
  l.gil_model = GilModel::interpreter_gil_pointer;
  l.managed_dict_model = ManagedDictModel::inline_values;
  l.runtime = {.interpreters_head = 632, .interpreters_main = 640, .gilstate_tstate_current = std::nullopt, .gil = std::nullopt};
  l.interpreter = {.next = 7264,
                   .threads_head = 7344,
                   .id = 7272,
                   .gc = 7400,
                   .modules = 7656,
                   .sysdict = 7640,
                   .builtins = 7648,
                   .ceval_gil = 16};
  l.thread.thread_id = 152;
  l.thread.native_thread_id = 160;
  l.thread.datastack_chunk = 232;
  l.thread.datastack_top = 240;
  l.thread.current_frame = 72;
  l.frame = {.code = 0,
             .previous = 8,
             .frame_obj = 48,
             .instr = 56,
             .owner = 70,
             .localsplus = 72,
             .size = 80,
             .is_entry = std::nullopt};
  l.code.firstlineno = 68;
  l.code.code_adaptive = 200;
  l.code.stacksize = 64;
  l.code.nlocalsplus = 72;
  l.type.ht_cached_keys = 880;
  l.type.flag_inline_values = 1u << 2;
  l.unicode.ascii_data = 40;
  l.unicode.compact_data = 56;
  l.long_ = {.size_or_tag = 16, .digits = 24, .tagged = true};
  l.dict_values = {.values = 8, .valid = 3};
  l.managed_dict.inline_values = 16;
  return l;
}

}  // namespace gmr::symbolize::python
