// Finding a target's CPython before the freeze, in its files through the dump's libdwfl session:
// `_PyRuntime` in the executable (Debian's /usr/bin/python3.11 links libpython in) or in a loaded
// libpython3.X.so (pyenv builds, embedders), the version from `Py_Version` as the module's file holds it,
// the symbols only a debug build defines, the interpreter's type objects (for the ob_type checks) and
// `PyGreenlet_Type` in a loaded _greenlet module. Reads files only; for 3.13 the layout also needs the
// _Py_DebugOffsets bytes at the start of _PyRuntime, which attach reads from the target before the freeze
// (python_pre_freeze_read) and hands to plan_python.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "attach/snapshot.hpp"
#include "symbolize/python/layout_select.hpp"
#include "symbolize/python/object_types.hpp"
#include "symbolize/python/python_plan.hpp"
#include "symbolize/snapshot_dwfl.hpp"

namespace gmr::symbolize {

struct PythonSymbols {
  std::string module;                // the file that defines _PyRuntime
  python::InterpreterBuild build;    // runtime address, Py_Version (0 when absent), debug-build marker
  bool has_py_version = false;       // Py_Version exists (3.11 and later) and its value was read
  python::KnownTypes types;
  std::optional<std::uint64_t> greenlet_type;
  std::optional<std::uint64_t> hash_secret;  // &_Py_HashSecret
};

/// nullopt when no module of the session defines _PyRuntime: the process runs no CPython.
/// `executable`: the target's executable as its maps name it (checked first).
std::optional<PythonSymbols> find_python(SnapshotDwfl& session, const std::optional<std::string>& executable);

struct PreFreezeRead {
  std::uint64_t address = 0;
  std::size_t size = 0;
};

/// What must be read from the target before the freeze to choose the layout: 3.13's _Py_DebugOffsets.
std::optional<PreFreezeRead> python_pre_freeze_read(const PythonSymbols& symbols);

/// The plan: `pre_freeze` holds what attach read at python_pre_freeze_read (nullopt when nothing was
/// asked or nothing could be read).
python::PythonPlan plan_python(const PythonSymbols& symbols, const std::optional<attach::MemoryCopy>& pre_freeze);

}  // namespace gmr::symbolize
