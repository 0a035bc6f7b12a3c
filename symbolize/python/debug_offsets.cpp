#include "symbolize/python/debug_offsets.hpp"

#include <cstring>
#include <map>
#include <string>

#include "symbolize/python/static_layouts.hpp"

namespace gmr::symbolize::python {
namespace {

// Visits every uint64_t field in declaration order with a mutable reference (the parse) or a value.
template <class Offsets, class Visit>
void visit_fields(Offsets& o, Visit visit) {
  visit("version", o.version);
  visit("free_threaded", o.free_threaded);
  visit("runtime_state.size", o.runtime_state.size);
  visit("runtime_state.finalizing", o.runtime_state.finalizing);
  visit("runtime_state.interpreters_head", o.runtime_state.interpreters_head);
  visit("interpreter_state.size", o.interpreter_state.size);
  visit("interpreter_state.id", o.interpreter_state.id);
  visit("interpreter_state.next", o.interpreter_state.next);
  visit("interpreter_state.threads_head", o.interpreter_state.threads_head);
  visit("interpreter_state.gc", o.interpreter_state.gc);
  visit("interpreter_state.imports_modules", o.interpreter_state.imports_modules);
  visit("interpreter_state.sysdict", o.interpreter_state.sysdict);
  visit("interpreter_state.builtins", o.interpreter_state.builtins);
  visit("interpreter_state.ceval_gil", o.interpreter_state.ceval_gil);
  visit("interpreter_state.gil_runtime_state", o.interpreter_state.gil_runtime_state);
  visit("interpreter_state.gil_runtime_state_enabled", o.interpreter_state.gil_runtime_state_enabled);
  visit("interpreter_state.gil_runtime_state_locked", o.interpreter_state.gil_runtime_state_locked);
  visit("interpreter_state.gil_runtime_state_holder", o.interpreter_state.gil_runtime_state_holder);
  visit("thread_state.size", o.thread_state.size);
  visit("thread_state.prev", o.thread_state.prev);
  visit("thread_state.next", o.thread_state.next);
  visit("thread_state.interp", o.thread_state.interp);
  visit("thread_state.current_frame", o.thread_state.current_frame);
  visit("thread_state.thread_id", o.thread_state.thread_id);
  visit("thread_state.native_thread_id", o.thread_state.native_thread_id);
  visit("thread_state.datastack_chunk", o.thread_state.datastack_chunk);
  visit("thread_state.status", o.thread_state.status);
  visit("interpreter_frame.size", o.interpreter_frame.size);
  visit("interpreter_frame.previous", o.interpreter_frame.previous);
  visit("interpreter_frame.executable", o.interpreter_frame.executable);
  visit("interpreter_frame.instr_ptr", o.interpreter_frame.instr_ptr);
  visit("interpreter_frame.localsplus", o.interpreter_frame.localsplus);
  visit("interpreter_frame.owner", o.interpreter_frame.owner);
  visit("code_object.size", o.code_object.size);
  visit("code_object.filename", o.code_object.filename);
  visit("code_object.name", o.code_object.name);
  visit("code_object.qualname", o.code_object.qualname);
  visit("code_object.linetable", o.code_object.linetable);
  visit("code_object.firstlineno", o.code_object.firstlineno);
  visit("code_object.argcount", o.code_object.argcount);
  visit("code_object.localsplusnames", o.code_object.localsplusnames);
  visit("code_object.localspluskinds", o.code_object.localspluskinds);
  visit("code_object.co_code_adaptive", o.code_object.co_code_adaptive);
  visit("pyobject.size", o.pyobject.size);
  visit("pyobject.ob_type", o.pyobject.ob_type);
  visit("type_object.size", o.type_object.size);
  visit("type_object.tp_name", o.type_object.tp_name);
  visit("type_object.tp_repr", o.type_object.tp_repr);
  visit("type_object.tp_flags", o.type_object.tp_flags);
  visit("tuple_object.size", o.tuple_object.size);
  visit("tuple_object.ob_item", o.tuple_object.ob_item);
  visit("tuple_object.ob_size", o.tuple_object.ob_size);
  visit("list_object.size", o.list_object.size);
  visit("list_object.ob_item", o.list_object.ob_item);
  visit("list_object.ob_size", o.list_object.ob_size);
  visit("dict_object.size", o.dict_object.size);
  visit("dict_object.ma_keys", o.dict_object.ma_keys);
  visit("dict_object.ma_values", o.dict_object.ma_values);
  visit("float_object.size", o.float_object.size);
  visit("float_object.ob_fval", o.float_object.ob_fval);
  visit("long_object.size", o.long_object.size);
  visit("long_object.lv_tag", o.long_object.lv_tag);
  visit("long_object.ob_digit", o.long_object.ob_digit);
  visit("bytes_object.size", o.bytes_object.size);
  visit("bytes_object.ob_size", o.bytes_object.ob_size);
  visit("bytes_object.ob_sval", o.bytes_object.ob_sval);
  visit("unicode_object.size", o.unicode_object.size);
  visit("unicode_object.state", o.unicode_object.state);
  visit("unicode_object.length", o.unicode_object.length);
  visit("unicode_object.asciiobject_size", o.unicode_object.asciiobject_size);
  visit("gc.size", o.gc.size);
  visit("gc.collecting", o.gc.collecting);
}

// Largest plausible struct sizes: anything above is not a 3.13 release build's.
constexpr std::uint64_t max_state_size = std::uint64_t{16} << 20;  // _PyRuntimeState, PyInterpreterState
constexpr std::uint64_t max_object_size = std::uint64_t{64} << 10;

Unexpected refuse(const std::string& why) {
  return fail(DecodeFailure::unsupported, "Python 3.13 debug offsets: " + why);
}

// Every offset inside its struct: `field + width <= size`.
Decoded<void> check_inside(std::string_view name, std::uint64_t field, std::uint64_t width, std::uint64_t size) {
  if (field > size || width > size - field)
    return refuse(std::string(name) + " at " + std::to_string(field) + " lies outside its struct of " + std::to_string(size) + " bytes");
  return {};
}

constexpr std::string_view published_fields[] = {
    "runtime.interpreters_head", "interpreter.next", "interpreter.threads_head", "interpreter.id", "interpreter.gc",
    "interpreter.modules", "interpreter.sysdict", "interpreter.builtins", "interpreter.ceval_gil", "gil.last_holder",
    "gil.locked", "gc.collecting", "thread.prev", "thread.next", "thread.interp", "thread.thread_id",
    "thread.native_thread_id", "thread.datastack_chunk", "thread.current_frame", "frame.code", "frame.previous",
    "frame.instr", "frame.owner", "frame.localsplus", "frame.size", "code.ob_size", "code.firstlineno",
    "code.filename", "code.name", "code.qualname", "code.linetable", "code.code_adaptive", "object.ob_type",
    "object.ob_size", "object.size", "type.tp_name", "type.tp_flags", "unicode.length", "unicode.state",
    "unicode.ascii_data", "bytes.ob_size", "bytes.ob_sval", "long.size_or_tag", "long.digits", "dict.ma_keys",
    "dict.ma_values"};

}  // namespace

void for_each_debug_offset(const DebugOffsets313& offsets,
                           const std::function<void(std::string_view name, std::size_t position, std::uint64_t value)>& visit) {
  std::size_t position = 8;  // after the cookie
  visit_fields(offsets, [&](std::string_view name, std::uint64_t value) {
    visit(name, position, value);
    position += 8;
  });
}

Decoded<DebugOffsets313> parse_debug_offsets(std::span<const std::byte> bytes) {
  if (bytes.size() < debug_offsets_size_3_13)
    return fail(DecodeFailure::unreadable, "Python 3.13 debug offsets: " + std::to_string(bytes.size()) + " of " +
                                               std::to_string(debug_offsets_size_3_13) + " bytes");
  if (std::memcmp(bytes.data(), debug_offsets_cookie.data(), debug_offsets_cookie.size()) != 0)
    return fail(DecodeFailure::corrupt, "_PyRuntime does not start with the \"xdebugpy\" cookie");
  DebugOffsets313 offsets;
  std::size_t position = 8;
  visit_fields(offsets, [&](std::string_view, std::uint64_t& field) {
    std::memcpy(&field, bytes.data() + position, 8);
    position += 8;
  });
  return offsets;
}

Decoded<PythonLayout> layout_from_debug_offsets(const DebugOffsets313& o, std::uint32_t py_version) {
  if (o.version != py_version)
    return refuse("they say version " + hex(o.version) + " where Py_Version says " + hex(py_version));
  if ((o.version >> 16) != 0x030d) return refuse("version " + version_string(static_cast<std::uint32_t>(o.version)) + " is not 3.13");
  if (((o.version >> 4) & 0xf) != 0xf)
    return refuse(version_string(static_cast<std::uint32_t>(o.version)) + " is a pre-release");
  if (o.free_threaded != 0) return refuse("a free-threaded build");
  if (o.pyobject.size != 16 || o.pyobject.ob_type != 8)
    return refuse("PyObject is " + std::to_string(o.pyobject.size) + " bytes with ob_type at " +
                  std::to_string(o.pyobject.ob_type) + " (a Py_TRACE_REFS build?)");

  const auto& is = o.interpreter_state;
  const struct {
    const char* name;
    std::uint64_t field, width, size, max_size;
  } checks[] = {
      {"runtime_state.interpreters_head", o.runtime_state.interpreters_head, 8, o.runtime_state.size, max_state_size},
      {"interpreter_state.id", is.id, 8, is.size, max_state_size},
      {"interpreter_state.next", is.next, 8, is.size, max_state_size},
      {"interpreter_state.threads_head", is.threads_head, 8, is.size, max_state_size},
      {"interpreter_state.gc", is.gc, o.gc.size, is.size, max_state_size},
      {"interpreter_state.imports_modules", is.imports_modules, 8, is.size, max_state_size},
      {"interpreter_state.sysdict", is.sysdict, 8, is.size, max_state_size},
      {"interpreter_state.builtins", is.builtins, 8, is.size, max_state_size},
      {"interpreter_state.ceval_gil", is.ceval_gil, 8, is.size, max_state_size},
      {"interpreter_state.gil_runtime_state_locked", is.gil_runtime_state_locked, 4, is.size, max_state_size},
      {"interpreter_state.gil_runtime_state_holder", is.gil_runtime_state_holder, 8, is.size, max_state_size},
      {"thread_state.prev", o.thread_state.prev, 8, o.thread_state.size, max_object_size},
      {"thread_state.next", o.thread_state.next, 8, o.thread_state.size, max_object_size},
      {"thread_state.interp", o.thread_state.interp, 8, o.thread_state.size, max_object_size},
      {"thread_state.current_frame", o.thread_state.current_frame, 8, o.thread_state.size, max_object_size},
      {"thread_state.thread_id", o.thread_state.thread_id, 8, o.thread_state.size, max_object_size},
      {"thread_state.native_thread_id", o.thread_state.native_thread_id, 8, o.thread_state.size, max_object_size},
      {"thread_state.datastack_chunk", o.thread_state.datastack_chunk, 8, o.thread_state.size, max_object_size},
      {"interpreter_frame.previous", o.interpreter_frame.previous, 8, o.interpreter_frame.size, max_object_size},
      {"interpreter_frame.executable", o.interpreter_frame.executable, 8, o.interpreter_frame.size, max_object_size},
      {"interpreter_frame.instr_ptr", o.interpreter_frame.instr_ptr, 8, o.interpreter_frame.size, max_object_size},
      {"interpreter_frame.owner", o.interpreter_frame.owner, 1, o.interpreter_frame.size, max_object_size},
      {"code_object.filename", o.code_object.filename, 8, o.code_object.size, max_object_size},
      {"code_object.name", o.code_object.name, 8, o.code_object.size, max_object_size},
      {"code_object.qualname", o.code_object.qualname, 8, o.code_object.size, max_object_size},
      {"code_object.linetable", o.code_object.linetable, 8, o.code_object.size, max_object_size},
      {"code_object.firstlineno", o.code_object.firstlineno, 4, o.code_object.size, max_object_size},
      {"code_object.co_code_adaptive", o.code_object.co_code_adaptive, 0, o.code_object.size, max_object_size},
      {"type_object.tp_name", o.type_object.tp_name, 8, o.type_object.size, max_object_size},
      {"type_object.tp_flags", o.type_object.tp_flags, 8, o.type_object.size, max_object_size},
      {"tuple_object.ob_size", o.tuple_object.ob_size, 8, o.tuple_object.size, max_object_size},
      {"dict_object.ma_keys", o.dict_object.ma_keys, 8, o.dict_object.size, max_object_size},
      {"dict_object.ma_values", o.dict_object.ma_values, 8, o.dict_object.size, max_object_size},
      {"long_object.lv_tag", o.long_object.lv_tag, 8, o.long_object.size, max_object_size},
      {"long_object.ob_digit", o.long_object.ob_digit, 4, o.long_object.size, max_object_size},
      {"bytes_object.ob_size", o.bytes_object.ob_size, 8, o.bytes_object.size, max_object_size},
      {"bytes_object.ob_sval", o.bytes_object.ob_sval, 1, o.bytes_object.size, max_object_size},
      {"unicode_object.state", o.unicode_object.state, 4, o.unicode_object.asciiobject_size, max_object_size},
      {"unicode_object.length", o.unicode_object.length, 8, o.unicode_object.asciiobject_size, max_object_size},
      {"unicode_object.asciiobject_size", o.unicode_object.asciiobject_size, 0, o.unicode_object.size, max_object_size},
      {"gc.collecting", o.gc.collecting, 4, o.gc.size, max_object_size},
  };
  for (const auto& c : checks) {
    if (c.size > c.max_size) return refuse(std::string(c.name) + "'s struct claims " + std::to_string(c.size) + " bytes");
    if (auto ok = check_inside(c.name, c.field, c.width, c.size); !ok) return unexpected(ok.error());
  }
  if (is.gil_runtime_state_locked < is.gil_runtime_state || is.gil_runtime_state_holder < is.gil_runtime_state)
    return refuse("the GIL's fields lie before the GIL");

  // Everything below fits in an Offset: each was checked to lie inside a struct of at most 16 MiB.
  auto off = [](std::uint64_t v) { return static_cast<Offset>(v); };
  PythonLayout l = layout_3_13();
  const PythonLayout table = l;
  l.version = py_version;
  l.provenance = "_Py_DebugOffsets of the target, with the static table for CPython 3.13 (checked against the 3.13.0 "
                 "headers) for what they do not publish";
  l.runtime.interpreters_head = off(o.runtime_state.interpreters_head);
  l.interpreter.next = off(is.next);
  l.interpreter.threads_head = off(is.threads_head);
  l.interpreter.id = off(is.id);
  l.interpreter.gc = off(is.gc);
  l.interpreter.modules = off(is.imports_modules);
  l.interpreter.sysdict = off(is.sysdict);
  l.interpreter.builtins = off(is.builtins);
  l.interpreter.ceval_gil = off(is.ceval_gil);
  l.gil.last_holder = off(is.gil_runtime_state_holder - is.gil_runtime_state);
  l.gil.locked = off(is.gil_runtime_state_locked - is.gil_runtime_state);
  l.gc.collecting = off(o.gc.collecting);
  l.thread.prev = off(o.thread_state.prev);
  l.thread.next = off(o.thread_state.next);
  l.thread.interp = off(o.thread_state.interp);
  l.thread.thread_id = off(o.thread_state.thread_id);
  l.thread.native_thread_id = off(o.thread_state.native_thread_id);
  l.thread.datastack_chunk = off(o.thread_state.datastack_chunk);
  l.thread.current_frame = off(o.thread_state.current_frame);
  l.frame.code = off(o.interpreter_frame.executable);
  l.frame.previous = off(o.interpreter_frame.previous);
  l.frame.instr = off(o.interpreter_frame.instr_ptr);
  l.frame.owner = off(o.interpreter_frame.owner);
  l.frame.localsplus = off(o.interpreter_frame.localsplus);
  l.frame.size = off(o.interpreter_frame.size);
  l.code.ob_size = off(o.tuple_object.ob_size);  // PyVarObject.ob_size, the same in every var-sized object
  l.code.firstlineno = off(o.code_object.firstlineno);
  l.code.filename = off(o.code_object.filename);
  l.code.name = off(o.code_object.name);
  l.code.qualname = off(o.code_object.qualname);
  l.code.linetable = off(o.code_object.linetable);
  l.code.code_adaptive = off(o.code_object.co_code_adaptive);
  l.object.ob_type = off(o.pyobject.ob_type);
  l.object.ob_size = off(o.tuple_object.ob_size);
  l.object.size = off(o.pyobject.size);
  l.type.tp_name = off(o.type_object.tp_name);
  l.type.tp_flags = off(o.type_object.tp_flags);
  l.unicode.length = off(o.unicode_object.length);
  l.unicode.state = off(o.unicode_object.state);
  l.unicode.ascii_data = off(o.unicode_object.asciiobject_size);
  l.bytes.ob_size = off(o.bytes_object.ob_size);
  l.bytes.ob_sval = off(o.bytes_object.ob_sval);
  l.long_.size_or_tag = off(o.long_object.lv_tag);
  l.long_.digits = off(o.long_object.ob_digit);
  l.dict.ma_keys = off(o.dict_object.ma_keys);
  l.dict.ma_values = off(o.dict_object.ma_values);

  // The table's other numbers hold only for a build whose published ones are the table's too.
  std::map<std::string_view, std::optional<std::int64_t>> expected;
  for_each_offset(table, [&](std::string_view name, std::optional<std::int64_t> value) { expected[name] = value; });
  std::string differences;
  for_each_offset(l, [&](std::string_view name, std::optional<std::int64_t> value) {
    if (expected[name] != value && differences.size() < 200)
      differences += (differences.empty() ? "" : ", ") + std::string(name) + " " +
                     (value ? std::to_string(*value) : "absent") + " (table: " +
                     (expected[name] ? std::to_string(*expected[name]) : "absent") + ")";
  });
  if (!differences.empty()) return refuse("they differ from the known 3.13 layout: " + differences);
  return l;
}

std::span<const std::string_view> layout_fields_from_debug_offsets() { return published_fields; }

}  // namespace gmr::symbolize::python
