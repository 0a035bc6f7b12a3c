#include "symbolize/python/thread_names.hpp"

#include "symbolize/python/dict_object.hpp"
#include "symbolize/python/long_object.hpp"
#include "symbolize/python/remote_read.hpp"
#include "symbolize/python/unicode_object.hpp"

namespace gmr::symbolize::python {

Decoded<std::vector<PythonThreadName>> thread_names(const attach::MemorySource& memory, const PythonLayout& layout,
                                                    const KnownTypes& known, std::uint64_t interp,
                                                    const StrHasher* hasher) {
  auto modules_at = field_address(interp, layout.interpreter.modules, "sys.modules");
  if (!modules_at) return unexpected(modules_at.error());
  auto modules = read_word(memory, *modules_at, "interpreter state");
  if (!modules) return unexpected(modules.error());
  auto threading = dict_get_str(memory, layout, known, *modules, "threading", hasher);
  if (!threading) return unexpected(threading.error());
  if (!*threading) return std::vector<PythonThreadName>{};
  auto globals = module_dict(memory, layout, known, **threading);
  if (!globals) return unexpected(globals.error());
  auto active = dict_get_str(memory, layout, known, *globals, "_active", hasher);
  if (!active) return unexpected(active.error());
  if (!*active) return fail(DecodeFailure::corrupt, "the threading module has no _active");
  auto entries = dict_entries(memory, layout, known, **active);
  if (!entries) return unexpected(entries.error());

  std::vector<PythonThreadName> names;
  for (const auto& entry : *entries) {
    auto ident = read_int(memory, layout, known, entry.key);
    if (!ident) return unexpected(ident.error());
    if (ident->negative) return fail(DecodeFailure::corrupt, "threading._active holds a negative ident");
    PythonThreadName thread;
    thread.ident = ident->magnitude;
    auto name = instance_attribute(memory, layout, known, entry.value, "_name");
    if (name && *name) {
      auto text = read_str(memory, layout, known, **name);
      if (text)
        thread.name = std::move(*text);
      else
        thread.error = text.error();
    } else if (name) {
      thread.error = DecodeError{DecodeFailure::corrupt, "Thread at " + hex(entry.value) + " has no _name"};
    } else {
      thread.error = name.error();
    }
    names.push_back(std::move(thread));
  }
  return names;
}

}  // namespace gmr::symbolize::python
