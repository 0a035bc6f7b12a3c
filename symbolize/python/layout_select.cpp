#include "symbolize/python/layout_select.hpp"

#include <vector>

#include "symbolize/python/debug_offsets.hpp"
#include "symbolize/python/remote_read.hpp"
#include "symbolize/python/static_layouts.hpp"

namespace gmr::symbolize::python {

Decoded<PythonLayout> select_layout(const InterpreterBuild& build, const attach::MemorySource& memory) {
  const std::uint32_t v = build.py_version;
  const std::string name = "Python " + version_string(v);
  const unsigned major = v >> 24, minor = (v >> 16) & 0xff, level = (v >> 4) & 0xf;
  if (major != 3 || minor < 11 || minor > 13)
    return fail(DecodeFailure::unsupported, name + " is not supported (3.11 to 3.13 are)");
  if (level != 0xf)
    return fail(DecodeFailure::unsupported, name + " is a pre-release; only the layouts of final releases are known");
  if (build.has_debug_symbol)
    return fail(DecodeFailure::unsupported, name + " is a debug build; only the layouts of release builds are known");
  if (minor == 11 || minor == 12) {
    PythonLayout layout = minor == 11 ? layout_3_11() : layout_3_12();
    layout.version = v;
    return layout;
  }
  auto bytes = read_block(memory, build.runtime, debug_offsets_size_3_13, "_PyRuntime");
  if (!bytes) return fail(bytes.error().failure, name + ": cannot read _Py_DebugOffsets: " + bytes.error().message);
  auto offsets = parse_debug_offsets(bytes->bytes());
  if (!offsets) return fail(DecodeFailure::unsupported, name + ": " + offsets.error().message);
  auto layout = layout_from_debug_offsets(*offsets, v);
  if (!layout) return fail(DecodeFailure::unsupported, name + ": " + layout.error().message);
  return layout;
}

}  // namespace gmr::symbolize::python
