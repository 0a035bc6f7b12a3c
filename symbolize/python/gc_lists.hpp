// The objects the cyclic garbage collector tracks in one interpreter: its generations and its permanent
// generation, circular lists of PyGC_Head through `_gc_next` (the object follows its header). Used to find
// objects that have no registry of their own (greenlets). Per object it reads one block: the GC header and
// the object's ob_type, nothing else; objects are kept or not by their type, decided once per type.
//
// Bounded: a walk stops at `max_objects` objects or `max_bytes` bytes read and says so. The target's
// memory is untrusted: each node's `_gc_prev` must point back at the node before it (a list that is cut,
// overwritten or loops elsewhere than through its head stops the walk with an error, never a wrong list).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "attach/memory_source.hpp"
#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/layout.hpp"

namespace gmr::symbolize::python {

struct GcWalkLimits {
  std::size_t max_objects = 2'000'000;       // tracked objects visited, all lists together
  std::size_t max_bytes = std::size_t{64} << 20;  // bytes read, headers and type checks included
};

struct TrackedObject {
  std::uint64_t address = 0;  // the object (its PyGC_Head is just before it)
  std::uint64_t type = 0;     // its ob_type
};

struct GcWalk {
  bool collecting = false;            // a collection was running: nothing was walked (the lists are in flux)
  std::vector<TrackedObject> kept;    // in list order: generation 0, 1, 2, then the permanent generation
  std::size_t visited = 0;            // objects visited
  std::size_t bytes = 0;              // bytes read
  bool limit_hit = false;             // max_objects or max_bytes stopped the walk (`stopped` says which)
  std::optional<DecodeError> stopped; // why the walk ended before the last list's head
};

/// Whether objects of the type at this address are kept; called once per distinct type.
using KeepType = std::function<bool(std::uint64_t type)>;

/// Walks every GC list of the interpreter at `interp`, keeping the objects whose type `keep` accepts.
GcWalk walk_gc_lists(const attach::MemorySource& memory, const PythonLayout& layout, std::uint64_t interp,
                     const KeepType& keep, const GcWalkLimits& limits);

}  // namespace gmr::symbolize::python
