// CPython 3.13 publishes its own layout: a _Py_DebugOffsets at the very start of `_PyRuntime` (cookie
// "xdebugpy", the version, then the size and field offsets of the runtime, interpreter and thread
// states, frames, code objects, strings, ...). This reads it, validates it, and builds the 3.13 layout
// from it. What it does not publish (type slots beyond tp_name/tp_flags, dict internals, GC generations,
// the managed-dict pre-header, ...) comes from layout_3_13(), which is trusted only when every offset the
// target publishes equals the table's: a 3.13 that differs is refused rather than half-guessed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/layout.hpp"

namespace gmr::symbolize::python {

inline constexpr std::string_view debug_offsets_cookie = "xdebugpy";

/// The 3.13 _Py_DebugOffsets, field for field (each a uint64_t after the 8-byte cookie), named as in
/// CPython's Include/internal/pycore_runtime.h.
struct DebugOffsets313 {
  std::uint64_t version = 0, free_threaded = 0;
  struct { std::uint64_t size, finalizing, interpreters_head; } runtime_state{};
  struct {
    std::uint64_t size, id, next, threads_head, gc, imports_modules, sysdict, builtins, ceval_gil, gil_runtime_state,
        gil_runtime_state_enabled, gil_runtime_state_locked, gil_runtime_state_holder;
  } interpreter_state{};
  struct {
    std::uint64_t size, prev, next, interp, current_frame, thread_id, native_thread_id, datastack_chunk, status;
  } thread_state{};
  struct { std::uint64_t size, previous, executable, instr_ptr, localsplus, owner; } interpreter_frame{};
  struct {
    std::uint64_t size, filename, name, qualname, linetable, firstlineno, argcount, localsplusnames, localspluskinds,
        co_code_adaptive;
  } code_object{};
  struct { std::uint64_t size, ob_type; } pyobject{};
  struct { std::uint64_t size, tp_name, tp_repr, tp_flags; } type_object{};
  struct { std::uint64_t size, ob_item, ob_size; } tuple_object{};
  struct { std::uint64_t size, ob_item, ob_size; } list_object{};
  struct { std::uint64_t size, ma_keys, ma_values; } dict_object{};
  struct { std::uint64_t size, ob_fval; } float_object{};
  struct { std::uint64_t size, lv_tag, ob_digit; } long_object{};
  struct { std::uint64_t size, ob_size, ob_sval; } bytes_object{};
  struct { std::uint64_t size, state, length, asciiobject_size; } unicode_object{};
  struct { std::uint64_t size, collecting; } gc{};
};

/// sizeof(_Py_DebugOffsets) in 3.13: the cookie and 72 uint64_t.
inline constexpr std::size_t debug_offsets_size_3_13 = 8 + 72 * 8;

/// Each field of DebugOffsets313 with its C name ("interpreter_state.threads_head") and its byte offset
/// inside _Py_DebugOffsets, in order. The header test checks both names and positions.
void for_each_debug_offset(const DebugOffsets313& offsets,
                           const std::function<void(std::string_view name, std::size_t position, std::uint64_t value)>& visit);

/// The fields of `bytes` (at least debug_offsets_size_3_13 of them, read from the start of `_PyRuntime`).
/// corrupt when the cookie is not "xdebugpy".
Decoded<DebugOffsets313> parse_debug_offsets(std::span<const std::byte> bytes);

/// The 3.13 layout of a target whose `Py_Version` is `py_version`. unsupported with the reason when the
/// offsets are not of 3.13, of another version than Py_Version says, of a free-threaded build, of a build
/// whose PyObject is not the release one (Py_TRACE_REFS), implausible (an offset past its struct), or
/// different from layout_3_13() anywhere both say something.
Decoded<PythonLayout> layout_from_debug_offsets(const DebugOffsets313& offsets, std::uint32_t py_version);

/// The names (as for_each_offset gives them) of the layout fields taken from the target's debug offsets;
/// all others come from layout_3_13().
std::span<const std::string_view> layout_fields_from_debug_offsets();

}  // namespace gmr::symbolize::python
