#include "symbolize/python/frame_chain.hpp"

#include <algorithm>
#include <array>
#include <memory_resource>
#include <unordered_set>

#include "symbolize/python/location_table.hpp"

namespace gmr::symbolize::python {

const Decoded<CodeObject>& CodeObjectCache::get(const attach::MemorySource& memory, const PythonLayout& layout,
                                                const KnownTypes& known, std::uint64_t address) {
  auto it = codes_.find(address);
  if (it == codes_.end()) it = codes_.emplace(address, read_code_object(memory, layout, known, address)).first;
  return it->second;
}

const Decoded<std::optional<int>>& CodeObjectCache::line(const CodeObject& code, int offset) {
  const std::pair<std::uint64_t, int> key{code.address, offset};
  auto it = lines_.find(key);
  if (it == lines_.end()) it = lines_.emplace(key, line_for_offset(code.linetable, code.firstlineno, offset)).first;
  return it->second;
}

namespace {

void decode_code(const attach::MemorySource& memory, const PythonLayout& layout, const KnownTypes& known,
                 CodeObjectCache& codes, PythonFrame& out) {
  const auto& code = codes.get(memory, layout, known, out.frame.executable);
  if (!code) {
    out.error = code.error();
    return;
  }
  out.code = code->address;
  out.name = code->name;
  out.qualname = code->qualname;
  out.filename = code->filename;
  out.firstlineno = code->firstlineno;
  auto offset = instruction_offset(layout, out.frame, *code);
  if (!offset) {
    out.error = offset.error();
    return;
  }
  out.instruction_offset = *offset;
  const auto& line = codes.line(*code, *offset);
  if (!line) {
    out.error = DecodeError{line.error().failure, "code object " + hex(code->address) + ": " + line.error().message};
    return;
  }
  out.line = *line;
}

}  // namespace

FrameChain walk_frame_chain(const attach::MemorySource& memory, const PythonLayout& layout, const KnownTypes& known,
                            std::uint64_t first, CodeObjectCache& codes, std::size_t limit) {
  FrameChain chain;
  // The frames seen, for the cycle check: nodes from a buffer on the stack for the usual chain.
  std::array<std::byte, 16384> arena;
  std::pmr::monotonic_buffer_resource resource(arena.data(), arena.size());
  std::pmr::unordered_set<std::uint64_t> seen(&resource);
  chain.frames.reserve(std::min<std::size_t>(limit, 64));
  for (std::uint64_t address = first; address != 0;) {
    if (chain.frames.size() >= limit) {
      chain.truncated = DecodeError{DecodeFailure::too_many, "more than " + std::to_string(limit) + " frames"};
      break;
    }
    if (!seen.insert(address).second) {
      chain.truncated = DecodeError{DecodeFailure::cycle, "the frame chain comes back to " + hex(address)};
      break;
    }
    auto frame = read_interpreter_frame(memory, layout, address);
    if (!frame) {
      chain.truncated = frame.error();
      break;
    }
    PythonFrame out;
    out.frame = *frame;
    if (!frame->is_shim) decode_code(memory, layout, known, codes, out);
    chain.frames.push_back(std::move(out));
    address = frame->previous;
  }
  return chain;
}

}  // namespace gmr::symbolize::python
