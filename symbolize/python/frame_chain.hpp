// A thread's (or a generator's, or a greenlet's) chain of interpreter frames, from the innermost through
// `previous`, decoded into what a stack line shows. Bounded: a chain that loops or runs past
// max_frames stops with the reason; a frame whose code cannot be read keeps its error and the walk
// goes on to its caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "attach/memory_source.hpp"
#include "symbolize/python/code_object.hpp"
#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/interpreter_frame.hpp"
#include "symbolize/python/layout.hpp"
#include "symbolize/python/object_types.hpp"

namespace gmr::symbolize::python {

/// The longest chain walked (Python-to-Python calls use no C stack since 3.11, so recursion limits of
/// tens of thousands are possible; past this the report says the stack was cut).
inline constexpr std::size_t max_frames = 8192;

/// Code objects already decoded, by address, and the lines of the instruction offsets already looked up:
/// frames of one report share most of them (a pool of threads parked in the same places), and a lookup
/// decodes the location table from its start.
class CodeObjectCache {
 public:
  const Decoded<CodeObject>& get(const attach::MemorySource& memory, const PythonLayout& layout,
                                 const KnownTypes& known, std::uint64_t address);
  /// line_for_offset of `code`'s table, remembered per (code object, offset).
  const Decoded<std::optional<int>>& line(const CodeObject& code, int offset);

 private:
  std::map<std::uint64_t, Decoded<CodeObject>> codes_;
  std::map<std::pair<std::uint64_t, int>, Decoded<std::optional<int>>> lines_;
};

struct PythonFrame {
  InterpreterFrame frame;
  std::uint64_t code = 0;  // the checked code object, 0 when it could not be read (see error)
  std::string name;
  std::string qualname;
  std::string filename;
  int firstlineno = 0;
  std::optional<int> instruction_offset;  // code units
  std::optional<int> line;                // nullopt: no line (an artificial instruction) or see error
  std::optional<DecodeError> error;       // why code, offset or line is missing
};

struct FrameChain {
  std::vector<PythonFrame> frames;        // innermost first; shim frames included (frame.is_shim)
  std::optional<DecodeError> truncated;   // why the walk stopped before a NULL `previous`
};

/// Walks from `first` (0 gives an empty chain) through `previous`.
FrameChain walk_frame_chain(const attach::MemorySource& memory, const PythonLayout& layout, const KnownTypes& known,
                            std::uint64_t first, CodeObjectCache& codes, std::size_t limit = max_frames);

}  // namespace gmr::symbolize::python
