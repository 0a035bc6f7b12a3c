// The names Python gave its threads: `threading._active` of an interpreter, read from the target
// (sys.modules → the threading module's globals → _active: {ident: Thread} → each Thread's `_name`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "attach/memory_source.hpp"
#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/layout.hpp"
#include "symbolize/python/object_types.hpp"
#include "symbolize/python/str_hash.hpp"

namespace gmr::symbolize::python {

struct PythonThreadName {
  std::uint64_t ident = 0;            // threading.get_ident(): the thread's pthread_t (PyThreadState.thread_id)
  std::optional<std::string> name;    // Thread._name
  std::optional<DecodeError> error;   // why the name could not be read
};

/// One entry per thread `threading` knows in interpreter `interp`. An empty list when the program never
/// imported threading; an error when sys.modules or threading._active cannot be read. `hasher`: the
/// target's str hash, for lookups that read a few keys instead of all (dict_get_str).
Decoded<std::vector<PythonThreadName>> thread_names(const attach::MemorySource& memory, const PythonLayout& layout,
                                                    const KnownTypes& known, std::uint64_t interp,
                                                    const StrHasher* hasher = nullptr);

}  // namespace gmr::symbolize::python
