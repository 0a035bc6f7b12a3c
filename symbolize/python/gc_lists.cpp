#include "symbolize/python/gc_lists.hpp"

#include <array>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>

#include "symbolize/python/remote_read.hpp"

namespace gmr::symbolize::python {
namespace {

// The two low bits of _gc_next and _gc_prev are flags (NEXT_MASK_UNREACHABLE, PREV_MASK_COLLECTING,
// _PyGC_PREV_MASK_FINALIZED); the pointer is the rest.
constexpr std::uint64_t flag_bits = 3;

/// One node as the walk reads it: the GC header and the ob_type of the object after it, in one read.
struct Node {
  std::uint64_t next = 0;
  std::uint64_t prev = 0;
  std::uint64_t type = 0;
};

class ListWalker {
 public:
  ListWalker(const attach::MemorySource& memory, const PythonLayout& layout, const KeepType& keep,
             const GcWalkLimits& limits, GcWalk& out)
      : memory_(memory), layout_(layout), keep_(keep), limits_(limits), out_(out) {
    node_size_ = static_cast<std::size_t>(layout.gc.gc_head_size) + layout.object.ob_type + 8;
  }

  /// Walks the list whose head is at `head`; false when the walk must stop (out_.stopped says why).
  bool walk(std::uint64_t head, const std::string& name) {
    auto first = read_word(memory_, head + layout_.gc.gc_next, "head of " + name);
    if (!first) return stop(first.error());
    std::uint64_t prev = head;
    for (std::uint64_t node = *first & ~flag_bits; node != head;) {
      if (node == 0) return stop({DecodeFailure::null_pointer, name + ": NULL _gc_next after " + hex(prev)});
      if (out_.visited >= limits_.max_objects)
        return limit("more than " + std::to_string(limits_.max_objects) + " tracked objects");
      if (out_.bytes + node_size_ > limits_.max_bytes)
        return limit("more than " + std::to_string(limits_.max_bytes) + " bytes read");
      Node n;
      if (!read_node(node, n))
        return stop({DecodeFailure::unreadable, name + ": the object header at " + hex(node) + " is not readable"});
      if ((n.prev & ~flag_bits) != prev)
        return stop({DecodeFailure::corrupt, name + ": the node at " + hex(node) + " does not point back at " +
                                                 hex(prev) + " (_gc_prev " + hex(n.prev) + ")"});
      ++out_.visited;
      if (n.type != 0 && keeps(n.type)) out_.kept.push_back({node + layout_.gc.gc_head_size, n.type});
      prev = node;
      node = n.next & ~flag_bits;
    }
    return true;
  }

 private:
  bool read_node(std::uint64_t node, Node& n) {
    std::array<std::byte, 64> buffer;
    if (node_size_ > buffer.size() || node > std::numeric_limits<std::uint64_t>::max() - node_size_) return false;
    out_.bytes += node_size_;
    if (memory_.read(node, std::span(buffer.data(), node_size_)) != node_size_) return false;
    std::memcpy(&n.next, buffer.data() + layout_.gc.gc_next, 8);
    std::memcpy(&n.prev, buffer.data() + layout_.gc.gc_prev, 8);
    std::memcpy(&n.type, buffer.data() + layout_.gc.gc_head_size + layout_.object.ob_type, 8);
    return true;
  }

  bool keeps(std::uint64_t type) {
    auto it = types_.find(type);
    if (it == types_.end()) it = types_.emplace(type, keep_(type)).first;
    return it->second;
  }

  bool stop(DecodeError error) {
    out_.stopped = std::move(error);
    return false;
  }
  bool limit(const std::string& what) {
    out_.limit_hit = true;
    return stop({DecodeFailure::too_many, "the GC lists hold " + what + ": walk stopped"});
  }

  const attach::MemorySource& memory_;
  const PythonLayout& layout_;
  const KeepType& keep_;
  const GcWalkLimits& limits_;
  GcWalk& out_;
  std::size_t node_size_ = 0;
  std::unordered_map<std::uint64_t, bool> types_;
};

}  // namespace

GcWalk walk_gc_lists(const attach::MemorySource& memory, const PythonLayout& layout, std::uint64_t interp,
                     const KeepType& keep, const GcWalkLimits& limits) {
  GcWalk out;
  const auto& gc = layout.gc;
  const std::uint64_t state = interp + layout.interpreter.gc;
  std::array<std::byte, 4> collecting{};
  if (memory.read(state + gc.collecting, collecting) != collecting.size()) {
    out.stopped = DecodeError{DecodeFailure::unreadable,
                              "gc.collecting of interpreter " + hex(interp) + " is not readable"};
    return out;
  }
  std::int32_t flag = 0;
  std::memcpy(&flag, collecting.data(), sizeof flag);
  if (flag != 0) {
    out.collecting = true;
    return out;
  }
  ListWalker walker(memory, layout, keep, limits, out);
  for (Offset g = 0; g < gc.number_of_generations; ++g)
    if (!walker.walk(state + gc.generations + g * gc.generation_size, "GC generation " + std::to_string(g)))
      return out;
  walker.walk(state + gc.permanent_generation, "the permanent GC generation");
  return out;
}

}  // namespace gmr::symbolize::python
