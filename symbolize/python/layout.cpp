#include "symbolize/python/layout.hpp"


namespace gmr::symbolize::python {

void for_each_offset(const PythonLayout& l,
                     const std::function<void(std::string_view name, std::optional<std::int64_t> value)>& visit) {
  auto v = [&](std::string_view name, auto value) { visit(name, static_cast<std::int64_t>(value)); };
  auto opt = [&](std::string_view name, const auto& value) {
    visit(name, value ? std::optional<std::int64_t>(static_cast<std::int64_t>(*value)) : std::nullopt);
  };
  v("runtime.interpreters_head", l.runtime.interpreters_head);
  v("runtime.interpreters_main", l.runtime.interpreters_main);
  opt("runtime.gilstate_tstate_current", l.runtime.gilstate_tstate_current);
  opt("runtime.gil", l.runtime.gil);

  v("interpreter.next", l.interpreter.next);
  v("interpreter.threads_head", l.interpreter.threads_head);
  v("interpreter.id", l.interpreter.id);
  v("interpreter.gc", l.interpreter.gc);
  v("interpreter.modules", l.interpreter.modules);
  v("interpreter.sysdict", l.interpreter.sysdict);
  v("interpreter.builtins", l.interpreter.builtins);
  opt("interpreter.ceval_gil", l.interpreter.ceval_gil);

  v("gil.last_holder", l.gil.last_holder);
  v("gil.locked", l.gil.locked);

  v("gc.generations", l.gc.generations);
  v("gc.number_of_generations", l.gc.number_of_generations);
  v("gc.generation_size", l.gc.generation_size);
  v("gc.generation_threshold", l.gc.generation_threshold);
  v("gc.generation_count", l.gc.generation_count);
  v("gc.permanent_generation", l.gc.permanent_generation);
  v("gc.collecting", l.gc.collecting);
  v("gc.gc_head_size", l.gc.gc_head_size);
  v("gc.gc_next", l.gc.gc_next);
  v("gc.gc_prev", l.gc.gc_prev);

  v("thread.prev", l.thread.prev);
  v("thread.next", l.thread.next);
  v("thread.interp", l.thread.interp);
  v("thread.thread_id", l.thread.thread_id);
  v("thread.native_thread_id", l.thread.native_thread_id);
  v("thread.datastack_chunk", l.thread.datastack_chunk);
  v("thread.datastack_top", l.thread.datastack_top);
  opt("thread.cframe", l.thread.cframe);
  opt("thread.root_cframe", l.thread.root_cframe);
  opt("thread.current_frame", l.thread.current_frame);

  if (l.thread.cframe) {
    v("cframe.current_frame", l.cframe.current_frame);
    v("cframe.previous", l.cframe.previous);
  }

  v("frame.code", l.frame.code);
  v("frame.previous", l.frame.previous);
  v("frame.frame_obj", l.frame.frame_obj);
  v("frame.instr", l.frame.instr);
  v("frame.owner", l.frame.owner);
  v("frame.localsplus", l.frame.localsplus);
  v("frame.size", l.frame.size);
  opt("frame.is_entry", l.frame.is_entry);

  v("code.ob_size", l.code.ob_size);
  v("code.firstlineno", l.code.firstlineno);
  v("code.filename", l.code.filename);
  v("code.name", l.code.name);
  v("code.qualname", l.code.qualname);
  v("code.linetable", l.code.linetable);
  v("code.code_adaptive", l.code.code_adaptive);
  v("code.stacksize", l.code.stacksize);
  v("code.nlocalsplus", l.code.nlocalsplus);

  v("object.ob_type", l.object.ob_type);
  v("object.ob_size", l.object.ob_size);
  v("object.size", l.object.size);

  v("type.tp_name", l.type.tp_name);
  v("type.tp_basicsize", l.type.tp_basicsize);
  v("type.tp_flags", l.type.tp_flags);
  v("type.tp_base", l.type.tp_base);
  v("type.tp_dictoffset", l.type.tp_dictoffset);
  v("type.ht_cached_keys", l.type.ht_cached_keys);
  v("type.flag_managed_dict", l.type.flag_managed_dict);
  v("type.flag_inline_values", l.type.flag_inline_values);

  v("unicode.length", l.unicode.length);
  v("unicode.state", l.unicode.state);
  v("unicode.ascii_data", l.unicode.ascii_data);
  v("unicode.compact_data", l.unicode.compact_data);
  v("unicode.kind_shift", l.unicode.kind_shift);
  v("unicode.compact_bit", l.unicode.compact_bit);
  v("unicode.ascii_bit", l.unicode.ascii_bit);
  opt("unicode.ready_bit", l.unicode.ready_bit);

  v("bytes.ob_size", l.bytes.ob_size);
  v("bytes.ob_sval", l.bytes.ob_sval);

  v("long.size_or_tag", l.long_.size_or_tag);
  v("long.digits", l.long_.digits);

  v("dict.ma_used", l.dict.ma_used);
  v("dict.ma_keys", l.dict.ma_keys);
  v("dict.ma_values", l.dict.ma_values);

  v("dict_keys.log2_size", l.dict_keys.log2_size);
  v("dict_keys.log2_index_bytes", l.dict_keys.log2_index_bytes);
  v("dict_keys.kind", l.dict_keys.kind);
  v("dict_keys.nentries", l.dict_keys.nentries);
  v("dict_keys.indices", l.dict_keys.indices);
  v("dict_keys.entry_size", l.dict_keys.entry_size);
  v("dict_keys.unicode_entry_size", l.dict_keys.unicode_entry_size);

  v("dict_values.values", l.dict_values.values);
  opt("dict_values.valid", l.dict_values.valid);

  v("managed_dict.dict_pointer", l.managed_dict.dict_pointer);
  opt("managed_dict.values_pointer", l.managed_dict.values_pointer);
  opt("managed_dict.inline_values", l.managed_dict.inline_values);

  v("module.md_dict", l.module.md_dict);
  v("frame_object.f_back", l.frame_object.f_back);
  v("frame_object.f_frame", l.frame_object.f_frame);

  v("cfunction.m_self", l.cfunction.m_self);
  v("lock.lock_lock", l.lock.lock_lock);
  v("lock.in_weakreflist", l.lock.in_weakreflist);
  v("lock.locked", l.lock.locked);
  v("lock.size", l.lock.size);
  v("rlock.rlock_lock", l.rlock.rlock_lock);
  v("rlock.owner", l.rlock.owner);
  v("rlock.count", l.rlock.count);
  v("rlock.in_weakreflist", l.rlock.in_weakreflist);
  v("rlock.size", l.rlock.size);

  v("stack_chunk.previous", l.stack_chunk.previous);
  v("stack_chunk.size", l.stack_chunk.size);
  v("stack_chunk.top", l.stack_chunk.top);
  v("stack_chunk.data", l.stack_chunk.data);
}

std::string version_string(std::uint32_t hex) {
  const unsigned major = hex >> 24, minor = (hex >> 16) & 0xff, micro = (hex >> 8) & 0xff;
  const unsigned level = (hex >> 4) & 0xf, serial = hex & 0xf;
  std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(micro);
  switch (level) {
    case 0xa: return s + "a" + std::to_string(serial);
    case 0xb: return s + "b" + std::to_string(serial);
    case 0xc: return s + "rc" + std::to_string(serial);
    case 0xf: return s;
    default: return s + " (release level " + std::to_string(level) + ")";
  }
}

}  // namespace gmr::symbolize::python
