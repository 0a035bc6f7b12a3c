/* Compiled at test time against one interpreter's headers (-DPy_BUILD_CORE, Include/internal) by
   layout_headers_test.cpp: prints "name value" for every number of gmr's PythonLayout (the names of
   for_each_offset) and, for 3.13, "debug.<field> <position> <value>" for every field of _Py_DebugOffsets
   (its offset inside the struct, and what CPython's initializer puts there). Reading the real headers is
   the point: a field that moved fails the test. */
#define Py_BUILD_CORE 1
#define NDEBUG 1
#include <Python.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "internal/pycore_dict.h"
#include "internal/pycore_frame.h"
#include "internal/pycore_gc.h"
#include "internal/pycore_interp.h"
#include "internal/pycore_moduleobject.h"
#include "internal/pycore_object.h"
#include "internal/pycore_runtime.h"

#define P(name, expr) printf("%s %lld\n", name, (long long)(expr))

/* The bit a 1-bit (or the lowest bit of a wider) field of PyASCIIObject.state occupies. */
#define STATE_BIT(field)                            \
  do {                                              \
    PyASCIIObject a;                                \
    unsigned u;                                     \
    memset(&a, 0, sizeof a);                        \
    a.state.field = 1;                              \
    memcpy(&u, &a.state, sizeof u);                 \
    P("unicode." #field "_bit", __builtin_ctz(u));  \
  } while (0)

int main(void) {
  P("runtime.interpreters_head", offsetof(_PyRuntimeState, interpreters.head));
  P("runtime.interpreters_main", offsetof(_PyRuntimeState, interpreters.main));
#if PY_VERSION_HEX < 0x030c0000
  P("runtime.gilstate_tstate_current", offsetof(_PyRuntimeState, gilstate.tstate_current));
  P("runtime.gil", offsetof(_PyRuntimeState, ceval.gil));
#endif

  P("interpreter.next", offsetof(PyInterpreterState, next));
  P("interpreter.threads_head", offsetof(PyInterpreterState, threads.head));
  P("interpreter.id", offsetof(PyInterpreterState, id));
  P("interpreter.gc", offsetof(PyInterpreterState, gc));
#if PY_VERSION_HEX < 0x030c0000
  P("interpreter.modules", offsetof(PyInterpreterState, modules));
#else
  P("interpreter.modules", offsetof(PyInterpreterState, imports.modules));
  P("interpreter.ceval_gil", offsetof(PyInterpreterState, ceval.gil));
#endif
  P("interpreter.sysdict", offsetof(PyInterpreterState, sysdict));
  P("interpreter.builtins", offsetof(PyInterpreterState, builtins));

  P("gil.last_holder", offsetof(struct _gil_runtime_state, last_holder));
  P("gil.locked", offsetof(struct _gil_runtime_state, locked));

  P("gc.generations", offsetof(struct _gc_runtime_state, generations));
  P("gc.number_of_generations", NUM_GENERATIONS);
  P("gc.generation_size", sizeof(struct gc_generation));
  P("gc.generation_threshold", offsetof(struct gc_generation, threshold));
  P("gc.generation_count", offsetof(struct gc_generation, count));
  P("gc.permanent_generation", offsetof(struct _gc_runtime_state, permanent_generation));
  P("gc.collecting", offsetof(struct _gc_runtime_state, collecting));
  P("gc.gc_head_size", sizeof(PyGC_Head));
  P("gc.gc_next", offsetof(PyGC_Head, _gc_next));
  P("gc.gc_prev", offsetof(PyGC_Head, _gc_prev));

  P("thread.prev", offsetof(PyThreadState, prev));
  P("thread.next", offsetof(PyThreadState, next));
  P("thread.interp", offsetof(PyThreadState, interp));
  P("thread.thread_id", offsetof(PyThreadState, thread_id));
  P("thread.native_thread_id", offsetof(PyThreadState, native_thread_id));
  P("thread.datastack_chunk", offsetof(PyThreadState, datastack_chunk));
  P("thread.datastack_top", offsetof(PyThreadState, datastack_top));
#if PY_VERSION_HEX < 0x030d0000
  P("thread.cframe", offsetof(PyThreadState, cframe));
  P("thread.root_cframe", offsetof(PyThreadState, root_cframe));
  P("cframe.current_frame", offsetof(_PyCFrame, current_frame));
  P("cframe.previous", offsetof(_PyCFrame, previous));
#else
  P("thread.current_frame", offsetof(PyThreadState, current_frame));
#endif

#if PY_VERSION_HEX < 0x030d0000
  P("frame.code", offsetof(_PyInterpreterFrame, f_code));
  P("frame.instr", offsetof(_PyInterpreterFrame, prev_instr));
#else
  P("frame.code", offsetof(_PyInterpreterFrame, f_executable));
  P("frame.instr", offsetof(_PyInterpreterFrame, instr_ptr));
#endif
#if PY_VERSION_HEX < 0x030c0000
  P("frame.is_entry", offsetof(_PyInterpreterFrame, is_entry));
#else
  P("frame_owned_by_cstack", FRAME_OWNED_BY_CSTACK);
#endif
  P("frame.previous", offsetof(_PyInterpreterFrame, previous));
  P("frame.frame_obj", offsetof(_PyInterpreterFrame, frame_obj));
  P("frame.owner", offsetof(_PyInterpreterFrame, owner));
  P("frame.localsplus", offsetof(_PyInterpreterFrame, localsplus));
  P("frame.size", sizeof(_PyInterpreterFrame));

  P("code.ob_size", offsetof(PyCodeObject, ob_base.ob_size));
  P("code.firstlineno", offsetof(PyCodeObject, co_firstlineno));
  P("code.filename", offsetof(PyCodeObject, co_filename));
  P("code.name", offsetof(PyCodeObject, co_name));
  P("code.qualname", offsetof(PyCodeObject, co_qualname));
  P("code.linetable", offsetof(PyCodeObject, co_linetable));
  P("code.code_adaptive", offsetof(PyCodeObject, co_code_adaptive));
  P("code.stacksize", offsetof(PyCodeObject, co_stacksize));
  P("code.nlocalsplus", offsetof(PyCodeObject, co_nlocalsplus));
  P("cfunction.m_self", offsetof(PyCFunctionObject, m_self));

  P("object.ob_type", offsetof(PyObject, ob_type));
  P("object.ob_size", offsetof(PyVarObject, ob_size));
  P("object.size", sizeof(PyObject));

  P("type.tp_name", offsetof(PyTypeObject, tp_name));
  P("type.tp_basicsize", offsetof(PyTypeObject, tp_basicsize));
  P("type.tp_flags", offsetof(PyTypeObject, tp_flags));
  P("type.tp_base", offsetof(PyTypeObject, tp_base));
  P("type.tp_dictoffset", offsetof(PyTypeObject, tp_dictoffset));
  P("type.ht_cached_keys", offsetof(PyHeapTypeObject, ht_cached_keys));
  P("type.flag_managed_dict", Py_TPFLAGS_MANAGED_DICT);
#ifdef Py_TPFLAGS_INLINE_VALUES
  P("type.flag_inline_values", Py_TPFLAGS_INLINE_VALUES);
#else
  P("type.flag_inline_values", 0);
#endif

  P("unicode.length", offsetof(PyASCIIObject, length));
  P("unicode.state", offsetof(PyASCIIObject, state));
  P("unicode.ascii_data", sizeof(PyASCIIObject));
  P("unicode.compact_data", sizeof(PyCompactUnicodeObject));
  {
    PyASCIIObject a;
    unsigned u;
    memset(&a, 0, sizeof a);
    a.state.kind = 1;
    memcpy(&u, &a.state, sizeof u);
    P("unicode.kind_shift", __builtin_ctz(u));
  }
  STATE_BIT(compact);
  STATE_BIT(ascii);
#if PY_VERSION_HEX < 0x030c0000
  STATE_BIT(ready);
#endif

  P("bytes.ob_size", offsetof(PyBytesObject, ob_base.ob_size));
  P("bytes.ob_sval", offsetof(PyBytesObject, ob_sval));

#if PY_VERSION_HEX < 0x030c0000
  P("long.size_or_tag", offsetof(PyLongObject, ob_base.ob_size));
  P("long.digits", offsetof(PyLongObject, ob_digit));
#else
  P("long.size_or_tag", offsetof(PyLongObject, long_value.lv_tag));
  P("long.digits", offsetof(PyLongObject, long_value.ob_digit));
#endif
  P("long_digit_bits", PyLong_SHIFT);

  P("dict.ma_used", offsetof(PyDictObject, ma_used));
  P("dict.ma_keys", offsetof(PyDictObject, ma_keys));
  P("dict.ma_values", offsetof(PyDictObject, ma_values));
  P("dict_keys.log2_size", offsetof(PyDictKeysObject, dk_log2_size));
  P("dict_keys.log2_index_bytes", offsetof(PyDictKeysObject, dk_log2_index_bytes));
  P("dict_keys.kind", offsetof(PyDictKeysObject, dk_kind));
  P("dict_keys.nentries", offsetof(PyDictKeysObject, dk_nentries));
  P("dict_keys.indices", offsetof(PyDictKeysObject, dk_indices));
  P("dict_keys.entry_size", sizeof(PyDictKeyEntry));
  P("dict_keys.unicode_entry_size", sizeof(PyDictUnicodeEntry));
  P("dict_values.values", offsetof(PyDictValues, values));
#if PY_VERSION_HEX >= 0x030d0000
  P("dict_values.valid", offsetof(PyDictValues, valid));
#endif

  {
    /* The managed-dict pre-header, measured through CPython's own accessors on a fake instance. */
    static PyTypeObject type;
    static char storage[256];
    PyObject* object = (PyObject*)(storage + 128);
    type.tp_flags = Py_TPFLAGS_MANAGED_DICT | Py_TPFLAGS_HEAPTYPE;
    type.tp_basicsize = sizeof(PyObject);
    object->ob_type = &type;
#if PY_VERSION_HEX < 0x030c0000
    P("managed_dict.dict_pointer", (char*)_PyObject_ManagedDictPointer(object) - (char*)object);
    P("managed_dict.values_pointer", (char*)_PyObject_ValuesPointer(object) - (char*)object);
#elif PY_VERSION_HEX < 0x030d0000
    P("managed_dict.dict_pointer", (char*)_PyObject_DictOrValuesPointer(object) - (char*)object);
    {
      /* The tag: a values pointer is stored minus one (odd), and read back plus one. */
      PyDictOrValues dorv;
      _PyDictOrValues_SetValues(&dorv, (PyDictValues*)(uintptr_t)0x1000);
      P("managed_dict_values_tag", (long long)((uintptr_t)dorv.values) - 0x1000);
    }
#else
    type.tp_flags |= Py_TPFLAGS_INLINE_VALUES;
    P("managed_dict.dict_pointer", (char*)_PyObject_ManagedDictPointer(object) - (char*)object);
    P("managed_dict.inline_values", (char*)_PyObject_InlineValues(object) - (char*)object);
#endif
  }

  P("module.md_dict", offsetof(PyModuleObject, md_dict));
  P("frame_object.f_back", offsetof(PyFrameObject, f_back));
  P("frame_object.f_frame", offsetof(PyFrameObject, f_frame));
  P("stack_chunk.previous", offsetof(_PyStackChunk, previous));
  P("stack_chunk.size", offsetof(_PyStackChunk, size));
  P("stack_chunk.top", offsetof(_PyStackChunk, top));
  P("stack_chunk.data", offsetof(_PyStackChunk, data));

#if PY_VERSION_HEX >= 0x030d0000
  P("debug_offsets_at", offsetof(_PyRuntimeState, debug_offsets));
  P("debug_offsets_size", sizeof(_Py_DebugOffsets));
  /* Each field's position inside _Py_DebugOffsets, and the value CPython's initializer
     (_Py_DebugOffsets_INIT in pycore_runtime_init.h) gives it. */
#define D(field, value) \
  printf("debug.%s %zu %lld\n", #field, offsetof(_Py_DebugOffsets, field), (long long)(value))
  D(version, PY_VERSION_HEX);
  D(free_threaded, _Py_Debug_Free_Threaded);
  D(runtime_state.size, sizeof(_PyRuntimeState));
  D(runtime_state.finalizing, offsetof(_PyRuntimeState, _finalizing));
  D(runtime_state.interpreters_head, offsetof(_PyRuntimeState, interpreters.head));
  D(interpreter_state.size, sizeof(PyInterpreterState));
  D(interpreter_state.id, offsetof(PyInterpreterState, id));
  D(interpreter_state.next, offsetof(PyInterpreterState, next));
  D(interpreter_state.threads_head, offsetof(PyInterpreterState, threads.head));
  D(interpreter_state.gc, offsetof(PyInterpreterState, gc));
  D(interpreter_state.imports_modules, offsetof(PyInterpreterState, imports.modules));
  D(interpreter_state.sysdict, offsetof(PyInterpreterState, sysdict));
  D(interpreter_state.builtins, offsetof(PyInterpreterState, builtins));
  D(interpreter_state.ceval_gil, offsetof(PyInterpreterState, ceval.gil));
  D(interpreter_state.gil_runtime_state, offsetof(PyInterpreterState, _gil));
  D(interpreter_state.gil_runtime_state_enabled, _Py_Debug_gilruntimestate_enabled);
  D(interpreter_state.gil_runtime_state_locked, offsetof(PyInterpreterState, _gil.locked));
  D(interpreter_state.gil_runtime_state_holder, offsetof(PyInterpreterState, _gil.last_holder));
  D(thread_state.size, sizeof(PyThreadState));
  D(thread_state.prev, offsetof(PyThreadState, prev));
  D(thread_state.next, offsetof(PyThreadState, next));
  D(thread_state.interp, offsetof(PyThreadState, interp));
  D(thread_state.current_frame, offsetof(PyThreadState, current_frame));
  D(thread_state.thread_id, offsetof(PyThreadState, thread_id));
  D(thread_state.native_thread_id, offsetof(PyThreadState, native_thread_id));
  D(thread_state.datastack_chunk, offsetof(PyThreadState, datastack_chunk));
  D(thread_state.status, offsetof(PyThreadState, _status));
  D(interpreter_frame.size, sizeof(_PyInterpreterFrame));
  D(interpreter_frame.previous, offsetof(_PyInterpreterFrame, previous));
  D(interpreter_frame.executable, offsetof(_PyInterpreterFrame, f_executable));
  D(interpreter_frame.instr_ptr, offsetof(_PyInterpreterFrame, instr_ptr));
  D(interpreter_frame.localsplus, offsetof(_PyInterpreterFrame, localsplus));
  D(interpreter_frame.owner, offsetof(_PyInterpreterFrame, owner));
  D(code_object.size, sizeof(PyCodeObject));
  D(code_object.filename, offsetof(PyCodeObject, co_filename));
  D(code_object.name, offsetof(PyCodeObject, co_name));
  D(code_object.qualname, offsetof(PyCodeObject, co_qualname));
  D(code_object.linetable, offsetof(PyCodeObject, co_linetable));
  D(code_object.firstlineno, offsetof(PyCodeObject, co_firstlineno));
  D(code_object.argcount, offsetof(PyCodeObject, co_argcount));
  D(code_object.localsplusnames, offsetof(PyCodeObject, co_localsplusnames));
  D(code_object.localspluskinds, offsetof(PyCodeObject, co_localspluskinds));
  D(code_object.co_code_adaptive, offsetof(PyCodeObject, co_code_adaptive));
  D(pyobject.size, sizeof(PyObject));
  D(pyobject.ob_type, offsetof(PyObject, ob_type));
  D(type_object.size, sizeof(PyTypeObject));
  D(type_object.tp_name, offsetof(PyTypeObject, tp_name));
  D(type_object.tp_repr, offsetof(PyTypeObject, tp_repr));
  D(type_object.tp_flags, offsetof(PyTypeObject, tp_flags));
  D(tuple_object.size, sizeof(PyTupleObject));
  D(tuple_object.ob_item, offsetof(PyTupleObject, ob_item));
  D(tuple_object.ob_size, offsetof(PyTupleObject, ob_base.ob_size));
  D(list_object.size, sizeof(PyListObject));
  D(list_object.ob_item, offsetof(PyListObject, ob_item));
  D(list_object.ob_size, offsetof(PyListObject, ob_base.ob_size));
  D(dict_object.size, sizeof(PyDictObject));
  D(dict_object.ma_keys, offsetof(PyDictObject, ma_keys));
  D(dict_object.ma_values, offsetof(PyDictObject, ma_values));
  D(float_object.size, sizeof(PyFloatObject));
  D(float_object.ob_fval, offsetof(PyFloatObject, ob_fval));
  D(long_object.size, sizeof(PyLongObject));
  D(long_object.lv_tag, offsetof(PyLongObject, long_value.lv_tag));
  D(long_object.ob_digit, offsetof(PyLongObject, long_value.ob_digit));
  D(bytes_object.size, sizeof(PyBytesObject));
  D(bytes_object.ob_size, offsetof(PyBytesObject, ob_base.ob_size));
  D(bytes_object.ob_sval, offsetof(PyBytesObject, ob_sval));
  D(unicode_object.size, sizeof(PyUnicodeObject));
  D(unicode_object.state, offsetof(PyUnicodeObject, _base._base.state));
  D(unicode_object.length, offsetof(PyUnicodeObject, _base._base.length));
  D(unicode_object.asciiobject_size, sizeof(PyASCIIObject));
  D(gc.size, sizeof(struct _gc_runtime_state));
  D(gc.collecting, offsetof(struct _gc_runtime_state, collecting));
#endif
  return 0;
}
