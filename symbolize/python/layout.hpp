// Where CPython keeps what a reader of stacks needs, for one interpreter version on x86-64: byte offsets
// of struct fields, and the few rules that changed between versions (how a thread's frames and the GIL
// holder are found, how an instance keeps its attributes). Plain data; static_layouts.hpp holds the
// tables, debug_offsets.hpp builds a 3.13 layout from what the target publishes about itself.
//
// Every offset is checked against the real headers of each installed interpreter by
// tests/symbolize/python/layout_headers_test.cpp; the field names there are the ones for_each_offset gives.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace gmr::symbolize::python {

/// A byte offset inside a CPython struct (or a struct size).
using Offset = std::uint32_t;

/// How a thread's Python frames are reached, and how they split into C activations of the eval loop.
enum class FrameModel {
  /// 3.11: tstate->cframe->current_frame, then `previous`. An activation's run of frames ends with the
  /// frame whose `is_entry` is set.
  cframe_entry_flag,
  /// 3.12: tstate->cframe->current_frame, then `previous`. Each activation's run ends at a shim frame
  /// (`owner == FRAME_OWNED_BY_CSTACK`), which is the eval loop's own and not a Python function.
  cframe_shim_frames,
  /// 3.13: tstate->current_frame, then `previous`; shim frames as in 3.12. `f_executable` may be another
  /// object than a code object (None in a shim frame).
  current_frame_shim_frames,
};

/// What the frame's instruction pointer field designates.
enum class InstructionPointer {
  /// 3.11, 3.12 `prev_instr`: the code unit before the next instruction; one before the code's start in a
  /// frame that has not run yet. The frame's line is the one of that code unit (CPython: f_lineno).
  previous_code_unit,
  /// 3.13 `instr_ptr`: the instruction executing or about to begin.
  current_instruction,
};

/// Where the thread holding the GIL is recorded.
enum class GilModel {
  /// 3.11: one GIL inside _PyRuntimeState (`ceval.gil`); also `gilstate.tstate_current`.
  runtime_gil,
  /// 3.12+: PyInterpreterState.ceval.gil points at the GIL the interpreter uses (its own `_gil`, or the
  /// main interpreter's).
  interpreter_gil_pointer,
};

/// Where an instance of a class with Py_TPFLAGS_MANAGED_DICT keeps its attributes.
enum class ManagedDictModel {
  /// 3.11: a PyDictValues* in the pre-header (`values_pointer`) when the attributes are unmaterialised,
  /// else the dict at `dict_pointer`.
  values_pointer_then_dict,
  /// 3.12: one word at `dict_pointer`: odd means a PyDictValues* minus one, even a dict (or NULL).
  tagged_dict_or_values,
  /// 3.13: with Py_TPFLAGS_INLINE_VALUES the PyDictValues lives inside the object at `inline_values`,
  /// valid while its `valid` byte is set; otherwise the dict at `dict_pointer`.
  inline_values,
};

struct PythonLayout {
  std::uint32_t version = 0;  // PY_VERSION_HEX of the interpreter this layout describes
  std::string provenance;     // where the numbers come from, for notes and --json

  FrameModel frame_model = FrameModel::cframe_entry_flag;
  InstructionPointer instruction_pointer = InstructionPointer::previous_code_unit;
  GilModel gil_model = GilModel::runtime_gil;
  ManagedDictModel managed_dict_model = ManagedDictModel::values_pointer_then_dict;

  struct Runtime {  // _PyRuntimeState (the exported `_PyRuntime`)
    Offset interpreters_head = 0;
    Offset interpreters_main = 0;
    std::optional<Offset> gilstate_tstate_current;  // 3.11: the thread state holding the GIL, or NULL
    std::optional<Offset> gil;                      // 3.11: ceval.gil, a struct _gil_runtime_state
  } runtime;

  struct Interpreter {  // PyInterpreterState
    Offset next = 0;
    Offset threads_head = 0;
    Offset id = 0;
    Offset gc = 0;       // struct _gc_runtime_state
    Offset modules = 0;  // sys.modules (3.11 `modules`, 3.12+ `imports.modules`)
    Offset sysdict = 0;
    Offset builtins = 0;
    std::optional<Offset> ceval_gil;  // 3.12+: pointer to the struct _gil_runtime_state in use
  } interpreter;

  struct Gil {  // struct _gil_runtime_state
    Offset last_holder = 0;  // PyThreadState*; the holder while `locked` is non-zero
    Offset locked = 0;       // int
  } gil;

  struct Gc {  // struct _gc_runtime_state and its parts
    Offset generations = 0;            // struct gc_generation[number_of_generations]
    Offset number_of_generations = 0;  // NUM_GENERATIONS
    Offset generation_size = 0;        // sizeof(struct gc_generation); its PyGC_Head `head` is first
    Offset generation_threshold = 0;   // int, inside struct gc_generation
    Offset generation_count = 0;       // int, inside struct gc_generation
    Offset permanent_generation = 0;
    Offset collecting = 0;  // int
    Offset gc_head_size = 0;  // sizeof(PyGC_Head): the object follows its header
    Offset gc_next = 0;       // PyGC_Head._gc_next (low bits are flags during a collection)
    Offset gc_prev = 0;       // PyGC_Head._gc_prev
  } gc;

  struct Thread {  // PyThreadState
    Offset prev = 0;
    Offset next = 0;
    Offset interp = 0;
    Offset thread_id = 0;         // unsigned long: pthread_self() of the thread (its fs_base on x86-64)
    Offset native_thread_id = 0;  // unsigned long: the kernel tid
    Offset datastack_chunk = 0;   // _PyStackChunk*
    Offset datastack_top = 0;
    std::optional<Offset> cframe;         // 3.11, 3.12: _PyCFrame*
    std::optional<Offset> root_cframe;    // 3.11, 3.12: the _PyCFrame inside the thread state
    std::optional<Offset> current_frame;  // 3.13: _PyInterpreterFrame*
  } thread;

  struct CFrame {  // _PyCFrame (3.11, 3.12; unused in 3.13)
    Offset current_frame = 0;
    Offset previous = 0;
  } cframe;

  struct Frame {  // _PyInterpreterFrame
    Offset code = 0;      // f_code (3.11, 3.12) or f_executable (3.13)
    Offset previous = 0;
    Offset frame_obj = 0;  // PyFrameObject*, may be NULL
    Offset instr = 0;      // prev_instr (3.11, 3.12) or instr_ptr (3.13); see InstructionPointer
    Offset owner = 0;      // char: FRAME_OWNED_BY_THREAD 0, _GENERATOR 1, _FRAME_OBJECT 2, _CSTACK 3 (3.12+)
    Offset localsplus = 0;
    Offset size = 0;       // sizeof(_PyInterpreterFrame), one local included
    std::optional<Offset> is_entry;  // 3.11: bool
  } frame;

  struct Code {  // PyCodeObject
    Offset ob_size = 0;  // Py_SIZE(code): the number of 2-byte code units of co_code_adaptive
    Offset firstlineno = 0;  // int
    Offset filename = 0;
    Offset name = 0;
    Offset qualname = 0;
    Offset linetable = 0;      // bytes: the location table (Objects/locations.md)
    Offset code_adaptive = 0;  // the instructions themselves, inside the object
    Offset stacksize = 0;      // int co_stacksize: evaluation-stack slots, after the frame's locals
    Offset nlocalsplus = 0;    // int co_nlocalsplus: locals, cells and free variables of localsplus
  } code;

  struct Object {  // PyObject, PyVarObject
    Offset ob_type = 0;
    Offset ob_size = 0;
    Offset size = 0;  // sizeof(PyObject)
  } object;

  struct Type {  // PyTypeObject, PyHeapTypeObject
    Offset tp_name = 0;  // const char*
    Offset tp_basicsize = 0;
    Offset tp_flags = 0;  // unsigned long
    Offset tp_base = 0;
    Offset tp_dictoffset = 0;
    Offset ht_cached_keys = 0;  // PyHeapTypeObject: the shared keys of the instances' attributes
    std::uint64_t flag_managed_dict = 0;   // Py_TPFLAGS_MANAGED_DICT
    std::uint64_t flag_inline_values = 0;  // Py_TPFLAGS_INLINE_VALUES (3.13), else 0
  } type;

  struct Unicode {  // PyASCIIObject, PyCompactUnicodeObject
    Offset length = 0;  // Py_ssize_t, in code points
    Offset state = 0;   // 32-bit bitfield: interned:2, kind:3, compact:1, ascii:1 (3.11: then ready:1)
    Offset ascii_data = 0;    // sizeof(PyASCIIObject): where a compact ASCII string's characters start
    Offset compact_data = 0;  // sizeof(PyCompactUnicodeObject): the same for other compact strings
    unsigned kind_shift = 0;  // bit position of `kind` (3 bits) in `state`
    unsigned compact_bit = 0;
    unsigned ascii_bit = 0;
    std::optional<unsigned> ready_bit;  // 3.11
  } unicode;

  struct Bytes {  // PyBytesObject
    Offset ob_size = 0;
    Offset ob_sval = 0;
  } bytes;

  struct Long {  // PyLongObject
    Offset size_or_tag = 0;  // 3.11: ob_size (sign = sign of the number); 3.12+: long_value.lv_tag
    Offset digits = 0;       // 30-bit digits, least significant first
    bool tagged = false;     // 3.12+: lv_tag = ndigits << 3 | sign (0 positive, 1 zero, 2 negative)
  } long_;

  struct Dict {  // PyDictObject
    Offset ma_used = 0;
    Offset ma_keys = 0;
    Offset ma_values = 0;  // PyDictValues* of a split table, else NULL
  } dict;

  struct DictKeys {  // PyDictKeysObject
    Offset log2_size = 0;          // uint8_t
    Offset log2_index_bytes = 0;   // uint8_t; the entries start (1 << it) bytes after `indices`
    Offset kind = 0;               // uint8_t: DICT_KEYS_GENERAL 0, _UNICODE 1, _SPLIT 2
    Offset nentries = 0;           // Py_ssize_t: entries used, deleted ones included (key NULL)
    Offset indices = 0;
    Offset entry_size = 0;          // sizeof(PyDictKeyEntry) {hash, key, value}
    Offset unicode_entry_size = 0;  // sizeof(PyDictUnicodeEntry) {key, value}
  } dict_keys;

  struct DictValues {  // PyDictValues
    Offset values = 0;  // the PyObject* array (3.13: after capacity, size, embedded, valid)
    std::optional<Offset> valid;  // 3.13: uint8_t, 0 once the values moved into a dict
  } dict_values;

  struct ManagedDict {  // offsets from the object's address (the pre-header is before it)
    std::int32_t dict_pointer = 0;                 // MANAGED_DICT_OFFSET
    std::optional<std::int32_t> values_pointer;    // 3.11: PyDictValues**
    std::optional<Offset> inline_values;           // 3.13: PyDictValues inside the object
  } managed_dict;

  struct Module {  // PyModuleObject
    Offset md_dict = 0;
  } module;

  struct FrameObject {  // PyFrameObject
    Offset f_back = 0;
    Offset f_frame = 0;  // _PyInterpreterFrame*
  } frame_object;

  // The lock objects of Modules/_threadmodule.c (no header declares them: tests/symbolize/python/
  // lock_layout_test.cpp checks them on live interpreters; DWARF of 3.11.2, 3.12.1, 3.13.0 agrees).
  struct Lock {  // lockobject, the type _thread.lock (threading.Lock)
    Offset lock_lock = 0;       // PyThread_type_lock: a glibc sem_t*, its futex word first
    Offset in_weakreflist = 0;  // PyObject*
    Offset locked = 0;          // char
    Offset size = 0;            // sizeof(lockobject): the type's tp_basicsize
  } lock;

  struct RLock {  // rlockobject, the type _thread.RLock (threading.RLock)
    Offset rlock_lock = 0;      // PyThread_type_lock
    Offset owner = 0;           // unsigned long rlock_owner: the owner's thread ident (PyThreadState.thread_id), 0 when free
    Offset count = 0;           // unsigned long rlock_count: how many times the owner holds it
    Offset in_weakreflist = 0;  // PyObject*
    Offset size = 0;            // sizeof(rlockobject)
  } rlock;

  struct CFunction {  // PyCFunctionObject: a builtin function or method
    Offset m_self = 0;  // the object a bound builtin method is bound to
  } cfunction;

  struct StackChunk {  // _PyStackChunk: a thread's frames live in a list of these
    Offset previous = 0;
    Offset size = 0;
    Offset top = 0;
    Offset data = 0;
  } stack_chunk;
};

/// FRAME_OWNED_BY_CSTACK: the shim frame an eval-loop activation begins with (3.12+).
inline constexpr std::uint8_t frame_owned_by_cstack = 3;

/// Every number of `layout` with its name ("thread.native_thread_id"); an absent optional gives nullopt.
/// The names are what the header test prints, so a field added here is a field the test must check.
void for_each_offset(const PythonLayout& layout,
                     const std::function<void(std::string_view name, std::optional<std::int64_t> value)>& visit);

/// "3.11.2", "3.13.0rc1": PY_VERSION_HEX as Python prints it.
std::string version_string(std::uint32_t version_hex);

}  // namespace gmr::symbolize::python
