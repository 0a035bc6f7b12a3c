// Which native frames of a Python thread are CPython's own plumbing: the eval loop and the call
// machinery between a Python frame and the C function it calls, or between a C function and the Python
// function it calls back. The default text view leaves them out (gmr(1) "Python"): what remains are the
// Python frames and the native frames that do something — the C call or syscall a thread is blocked in,
// and C code between Python frames (builtin_sum under a generator, list.sort under a key function).
//
// A frame is plumbing when both hold:
//   - it lies in the interpreter's module (the file defining _PyRuntime: the python executable or
//     libpython3.X.so) — a function of the same name elsewhere is someone else's;
//   - its function, without a compiler suffix (".cold", ".part.0", ".isra.0", ".constprop.0"), is one of
//     the names below, or starts with one of the prefixes.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "symbolize/shared_text.hpp"

namespace gmr::report {

/// Function names of CPython 3.11-3.13 that only evaluate frames or pass calls on.
std::span<const std::string_view> plumbing_functions();
/// Prefixes of such names: families of call helpers ("cfunction_", "method_vectorcall", "slot_tp_"…).
std::span<const std::string_view> plumbing_prefixes();

/// `function` without a GCC clone suffix: "_PyEval_EvalFrameDefault.cold" -> "_PyEval_EvalFrameDefault".
std::string_view without_clone_suffix(std::string_view function);

/// Whether a native frame with `function` in `module` is plumbing of the interpreter in `interpreter_module`.
bool interpreter_plumbing(const symbolize::SharedText& function, const symbolize::SharedText& module,
                          std::string_view interpreter_module);

}  // namespace gmr::report
