#include "symbolize/python/greenlets.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "symbolize/python/object_types.hpp"
#include "symbolize/python/remote_read.hpp"

namespace gmr::symbolize::python {

GreenletLayout greenlet_2_0_layout() { return GreenletLayout{}; }

namespace {

/// stack_stop of a main greenlet: (char*)-1.
constexpr std::uint64_t main_stack_stop = ~std::uint64_t{0};

/// One greenlet object and the fields of its implementation the search uses.
struct Greenlet {
  std::uint64_t object = 0;
  std::uint64_t type = 0;
  std::uint64_t stack_start = 0;
  std::uint64_t stack_stop = 0;
  std::uint64_t top_frame = 0;
  std::uint64_t current_frame = 0;
  std::uint64_t cframe = 0;
  std::uint64_t link = 0;  // user greenlet: its main greenlet; main greenlet: its ThreadState

  bool started() const { return stack_stop != 0; }
  bool active() const { return stack_start != 0; }
  bool main() const { return stack_stop == main_stack_stop; }
};

DecodeError about(std::uint64_t greenlet, const DecodeError& e) {
  return DecodeError{e.failure, "greenlet " + hex(greenlet) + ": " + e.message};
}

std::optional<pid_t> thread_holding(const std::vector<ThreadStackRange>& stacks, std::uint64_t address) {
  for (const auto& stack : stacks)
    if (address >= stack.start && address < stack.end) return stack.tid;
  return std::nullopt;
}

/// The thread of a main greenlet from the _PyCFrame greenlet saved for it: greenlet made it in its own
/// thread with cframe = &tstate->root_cframe, and each switch away from it saved that thread's current
/// cframe, a local of an eval loop on the thread's C stack (or the root one again).
std::optional<pid_t> thread_of_cframe(const GreenletSearchOptions& options, const PythonLayout& l,
                                      std::uint64_t cframe) {
  if (cframe == 0) return std::nullopt;
  if (l.thread.root_cframe)
    for (const auto& state : options.thread_states)
      if (cframe == state.thread_state + *l.thread.root_cframe) return state.tid;
  return thread_holding(options.stacks, cframe);
}

Decoded<Greenlet> read_greenlet(const attach::MemorySource& memory, const GreenletLayout& g,
                                const TrackedObject& object) {
  auto head = read_block(memory, object.address, g.object_size, "greenlet object");
  if (!head) return unexpected(head.error());
  const std::uint64_t pimpl = head->pointer(g.pimpl);
  auto impl = read_block(memory, pimpl, g.implementation_size, "greenlet implementation");
  if (!impl) return unexpected(impl.error());
  if (const std::uint64_t self = impl->pointer(g.self); self != object.address)
    return fail(DecodeFailure::unsupported, "its implementation at " + hex(pimpl) + " does not point back at it (_self " +
                                                hex(self) + "): a greenlet layout gmr does not know");
  Greenlet out;
  out.object = object.address;
  out.type = object.type;
  out.stack_start = impl->pointer(g.stack_start);
  out.stack_stop = impl->pointer(g.stack_stop);
  out.top_frame = impl->pointer(g.top_frame);
  out.current_frame = impl->pointer(g.current_frame);
  out.cframe = impl->pointer(g.cframe);
  out.link = impl->pointer(out.main() ? g.thread_state : g.main_greenlet);
  return out;
}

/// The greenlet a main greenlet's thread runs now: ThreadState.current_greenlet, once ThreadState's own
/// main_greenlet is checked to be this main greenlet.
Decoded<std::uint64_t> current_greenlet(const attach::MemorySource& memory, const GreenletLayout& g,
                                        const Greenlet& main) {
  auto state = read_block(memory, main.link, g.current_greenlet + 8, "greenlet ThreadState");
  if (!state) return unexpected(state.error());
  if (state->pointer(0) != main.object)
    return fail(DecodeFailure::unsupported, "its ThreadState at " + hex(main.link) + " names another main greenlet (" +
                                                hex(state->pointer(0)) + "): a greenlet layout gmr does not know");
  return state->pointer(g.current_greenlet);
}

/// A suspended greenlet's saved frames are trusted when `_top_frame` is a frame object whose f_frame is
/// the saved `current_frame`.
Decoded<void> check_saved_frames(const attach::MemorySource& memory, const PythonTarget& target, const Greenlet& g) {
  const auto& l = target.layout;
  if (g.top_frame == 0) return fail(DecodeFailure::null_pointer, "suspended, but no saved frame (_top_frame NULL)");
  auto frame = read_block(memory, g.top_frame, block_size({l.object.ob_type, l.frame_object.f_frame}), "saved frame object");
  if (!frame) return unexpected(frame.error());
  if (auto type = check_exact_type(memory, l, target.types, frame->pointer(l.object.ob_type), BuiltinType::frame); !type)
    return fail(type.error().failure, "saved frame " + hex(g.top_frame) + ": " + type.error().message);
  if (const std::uint64_t f_frame = frame->pointer(l.frame_object.f_frame); f_frame != g.current_frame)
    return fail(DecodeFailure::unsupported, "saved frame " + hex(g.top_frame) + " has f_frame " + hex(f_frame) +
                                                ", the greenlet's current_frame is " + hex(g.current_frame));
  return {};
}

}  // namespace

GreenletSearch find_green_threads(const attach::MemorySource& memory, const PythonTarget& target,
                                  std::uint64_t interp, CodeObjectCache& codes, const GreenletSearchOptions& options) {
  GreenletSearch out;
  if (!target.greenlet_type) {
    out.absent = GreenThreadsAbsent::no_greenlet_module;
    return out;
  }
  const PythonLayout& l = target.layout;
  const GreenletLayout g = greenlet_2_0_layout();
  const std::uint64_t base = *target.greenlet_type;
  auto refuse = [&](GreenThreadsAbsent why, DecodeError error) {
    out.absent = why;
    out.error = std::move(error);
    return out;
  };

  auto size = read_word(memory, base + l.type.tp_basicsize, "tp_basicsize of PyGreenlet_Type");
  if (!size) return refuse(GreenThreadsAbsent::unreadable, size.error());
  if (*size != g.object_size)
    return refuse(GreenThreadsAbsent::unreadable,
                  {DecodeFailure::unsupported, "PyGreenlet_Type's tp_basicsize is " + std::to_string(*size) + ", not " +
                                                   std::to_string(g.object_size) + ": a greenlet layout gmr does not know"});

  const KeepType keep = [&](std::uint64_t type) {
    auto derived = derives_from(memory, l, type, base);
    return derived && *derived;
  };
  const GcWalk walk = walk_gc_lists(memory, l, interp, keep, options.limits);
  out.gc_objects = walk.visited;
  out.bytes = walk.bytes;
  if (walk.collecting) {
    out.absent = GreenThreadsAbsent::collecting;
    return out;
  }
  // A bound hit: the greenlets among the objects visited are still shown, as a partial list. A list cut or
  // corrupt shows nothing: its nodes after the damage may be anything.
  if (walk.stopped && !walk.limit_hit) return refuse(GreenThreadsAbsent::unreadable, *walk.stopped);
  const bool partial = walk.limit_hit;
  if (partial) {
    out.absent = GreenThreadsAbsent::budget;
    out.error = *walk.stopped;
  }

  std::vector<Greenlet> greenlets;
  for (const auto& object : walk.kept) {
    auto read = read_greenlet(memory, g, object);
    if (read)
      greenlets.push_back(*read);
    else
      out.left_out.push_back(about(object.address, read.error()));
  }

  // Threads: a user greenlet (even a dead one) was started on its thread's stack, and names its main
  // greenlet; the main greenlets' ThreadStates say which greenlet each thread runs.
  std::map<std::uint64_t, pid_t> main_thread;
  for (const auto& greenlet : greenlets)
    if (greenlet.started() && !greenlet.main())
      if (auto tid = thread_holding(options.stacks, greenlet.stack_stop)) main_thread.emplace(greenlet.link, *tid);
  std::set<std::uint64_t> running;
  for (const auto& greenlet : greenlets) {
    if (!greenlet.main() || greenlet.link == 0) continue;
    auto current = current_greenlet(memory, g, greenlet);
    if (current)
      running.insert(*current);
    else
      out.left_out.push_back(about(greenlet.object, current.error()));
  }

  std::size_t live = 0;
  std::vector<GreenThread> shown;
  for (const auto& greenlet : greenlets) {
    if (!greenlet.started() || !greenlet.active()) continue;  // never started, or dead
    ++live;
    GreenThread thread;
    thread.address = greenlet.object;
    thread.main = greenlet.main();
    thread.running = running.contains(greenlet.object);
    if (thread.main) {
      if (auto it = main_thread.find(greenlet.object); it != main_thread.end())
        thread.tid = it->second;
      else if (!thread.running)
        thread.tid = thread_holding(options.stacks, greenlet.stack_start);
      // No user greenlet of its thread (a thread that only ever called greenlet.getcurrent()) and, when it
      // runs, no stack address of its own (_stack_start 1, stack_stop -1).
      if (!thread.tid) thread.tid = thread_of_cframe(options, l, greenlet.cframe);
    } else {
      thread.tid = thread_holding(options.stacks, greenlet.stack_stop);
    }
    if (thread.running) {
      if (greenlet.top_frame != 0) {
        out.left_out.push_back(about(greenlet.object, {DecodeFailure::unsupported,
                                                       "its thread runs it, yet it has a saved frame " +
                                                           hex(greenlet.top_frame)}));
        continue;
      }
    } else {
      if (partial && greenlet.top_frame == 0) {
        // Running, most likely, in a thread whose main greenlet (which says so) the walk did not reach.
        out.left_out.push_back(about(greenlet.object, {DecodeFailure::too_many,
                                                       "no saved frame, and the GC walk stopped before its thread's "
                                                       "main greenlet, which says whether it runs"}));
        continue;
      }
      if (auto checked = check_saved_frames(memory, target, greenlet); !checked) {
        out.left_out.push_back(about(greenlet.object, checked.error()));
        continue;
      }
      thread.frames = walk_frame_chain(memory, l, target.types, greenlet.current_frame, codes,
                                       options.max_frames_per_greenlet);
    }
    auto name = type_name(memory, l, greenlet.type);
    thread.type_name = name ? *name : "?";
    if (!name) out.left_out.push_back(about(greenlet.object, name.error()));
    shown.push_back(std::move(thread));
  }
  if (live > 0 && shown.empty() && !partial)
    return refuse(GreenThreadsAbsent::unreadable,
                  {DecodeFailure::unsupported, "none of the " + std::to_string(live) +
                                                   " live greenlets passed the layout checks (greenlet 2.0.2's)"});
  std::ranges::sort(shown, {}, &GreenThread::address);
  out.green_threads = std::move(shown);
  return out;
}

}  // namespace gmr::symbolize::python
