#include "report/build/interpreter_plumbing.hpp"

#include <algorithm>
#include <iterator>

namespace gmr::report {
namespace {

// Seen in the native stacks of the Python fixtures (tests/fixtures/python) under 3.11.2, 3.12.1 and
// 3.13.0, between the eval loop and a C function or between a C function and the eval loop, plus the
// start-up path of the main thread and of threading's threads.
constexpr std::string_view functions[] = {
    // the eval loop and its entry points
    "_PyEval_EvalFrameDefault", "_PyEval_EvalFrame", "_PyEval_Vector", "PyEval_EvalCode", "PyEval_EvalCodeEx",
    "do_call_core", "call_function",
    // calls
    "PyObject_Call", "PyObject_CallObject", "PyObject_CallOneArg", "PyObject_CallNoArgs",
    "PyObject_CallFunctionObjArgs", "PyObject_CallMethodObjArgs", "PyVectorcall_Call", "object_vacall",
    "method_vectorcall", "vectorcall_method", "vectorcall_unbound", "type_call", "partial_call",
    "partial_vectorcall",
    // generators and coroutines driven from C
    "gen_iternext", "gen_send", "gen_send_ex", "gen_send_ex2", "gen_throw", "PyIter_Next", "PyIter_Send",
    "coro_wrapper_iternext", "async_gen_asend_send", "async_gen_asend_iternext",
    // threads and the main program
    "thread_run", "pythread_wrapper", "run_mod", "run_eval_code_obj", "pyrun_file", "Py_RunMain",
};

constexpr std::string_view prefixes[] = {
    "_PyEval_",          "_PyFunction_",     "_PyObject_Call",  "_PyObject_Vectorcall", "_PyObject_MakeTpCall",
    "_PyObject_FastCall", "PyObject_Vectorcall", "_PyVectorcall_", "cfunction_",         "method_vectorcall",
    "slot_tp_",          "pymain_",          "Py_BytesMain",    "Py_Main",              "_PyRun_",
    "PyRun_",
};

}  // namespace

std::span<const std::string_view> plumbing_functions() { return functions; }
std::span<const std::string_view> plumbing_prefixes() { return prefixes; }

std::string_view without_clone_suffix(std::string_view function) {
  const auto dot = function.find('.');
  return dot == std::string_view::npos || dot == 0 ? function : function.substr(0, dot);
}

bool interpreter_plumbing(const symbolize::SharedText& function, const symbolize::SharedText& module,
                          std::string_view interpreter_module) {
  if (!function || !module || *module != interpreter_module) return false;
  const std::string_view name = without_clone_suffix(*function);
  if (std::ranges::find(functions, name) != std::end(functions)) return true;
  return std::ranges::any_of(prefixes, [&](std::string_view prefix) { return name.starts_with(prefix); });
}

}  // namespace gmr::report
