// Functions at which a stack starts: nothing on that stack called them, so whatever an unwinder finds
// past one of them (a return address read from beyond the stack's start, code without unwind information
// that was never meant to be returned to) is not a frame. libdwfl stops cleanly at an outermost frame only
// when its CFI says so (glibc's clone3 and _start mark the return address undefined); these do not all.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gmr::symbolize {

/// `symbol` (a symbol-table name) without the ABI suffix the Go linker gives assembly functions
/// (".abi0", ".abiinternal"), when it names a function that starts a stack:
/// - Go, as its runtime's own traceback (runtime/traceback.go, topofstack) stops there: runtime.goexit (the
///   return address under every goroutine's first function), runtime.mstart (the bottom of a thread's g0
///   stack, also under cgo's crosscall_amd64, which has no CFI), runtime.mcall and runtime.morestack
///   (switch to the g0 stack: what lies above on it is stale), runtime.rt0_go (the main thread's start);
///   _rt0_amd64 and _rt0_amd64_linux (the entry point of a Go executable);
/// - any program: _start (the ELF entry point), clone, __clone, clone3, __clone3 (a new thread's first
///   frame in glibc and musl).
/// Absent otherwise.
std::optional<std::string> stack_start_function(std::string_view symbol);

}  // namespace gmr::symbolize
