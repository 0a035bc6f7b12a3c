// Which layout describes a target interpreter, from what its ELF symbols say (Py_Version, debug-build
// markers) and, for 3.13, the _Py_DebugOffsets it publishes. Anything else — 3.10 and older, 3.14 and
// newer, pre-releases, debug builds — is refused with a one-line reason: the caller then shows the
// native stacks only, never a stack read with a wrong layout.
#pragma once

#include <cstdint>
#include <string_view>

#include "attach/memory_source.hpp"
#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/layout.hpp"

namespace gmr::symbolize::python {

/// What the caller found in the symbols of the module that exports `_PyRuntime` (the executable for a
/// static build like Debian's /usr/bin/python3.11, else libpython3.X.so).
struct InterpreterBuild {
  std::uint32_t py_version = 0;     // the value of the exported `Py_Version` (PY_VERSION_HEX)
  bool has_debug_symbol = false;    // it defines one of debug_build_symbols
  std::uint64_t runtime = 0;        // the address of `_PyRuntime` in the target (load bias applied)
};

/// Symbols only a debug build defines: Py_REF_DEBUG (implied by Py_DEBUG) exports _Py_NegativeRefcount in
/// 3.11-3.13, _Py_RefTotal in 3.11 and _Py_INCREF_IncRefTotal from 3.12; Py_TRACE_REFS, which changes
/// PyObject itself, exports _Py_ForgetReference. A release build defines none of them.
inline constexpr std::string_view debug_build_symbols[] = {"_Py_NegativeRefcount", "_Py_RefTotal",
                                                           "_Py_INCREF_IncRefTotal", "_Py_ForgetReference"};

/// The layout of a release build of 3.11 or 3.12 from the static tables, of 3.13 from the debug offsets
/// read at `build.runtime` (validated against the 3.13 table). unsupported with the reason otherwise;
/// the reason is one line and names the version ("Python 3.10.13 is not supported (3.11 to 3.13 are)").
Decoded<PythonLayout> select_layout(const InterpreterBuild& build, const attach::MemorySource& memory);

}  // namespace gmr::symbolize::python
