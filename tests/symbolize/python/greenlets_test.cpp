// The greenlet search on hand-built interpreters (3.11 layout, greenlet 2.0.2 offsets): the GC lists are
// walked through every generation and the permanent one; only objects of greenlet types (a subclass
// included) are kept; never-started and dead greenlets are left out, suspended ones come with their
// frames, the running one with its thread; a collection in progress, a corrupt or looping list, a budget,
// a greenlet layout that fails the cross-checks give a reason and never a crash or a wrong stack.
#include <doctest/doctest.h>

#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "symbolize/python/fake_memory.hpp"
#include "symbolize/python/gc_lists.hpp"
#include "symbolize/python/greenlets.hpp"
#include "symbolize/python/static_layouts.hpp"
#include "symbolize/python/walker.hpp"

namespace py = gmr::symbolize::python;
namespace pt = gmr::test::python;

namespace {

constexpr std::uint64_t fake_frame_type = 0x7000;
constexpr std::uint64_t runtime = 0x10000;
constexpr std::uint64_t interp = 0x20000;
constexpr std::uint64_t greenlet_type = 0x8000;
constexpr std::uint64_t subclass_type = 0x8800;  // "GreenThread": tp_base greenlet_type
constexpr std::uint64_t other_type = 0x9000;     // "dict"-like: no greenlet
constexpr std::uint64_t main_stack = 0x7ffd'0000'0000;  // thread 100's stack mapping
constexpr std::uint64_t second_stack = 0x7f00'0000'0000;  // thread 200's

const py::KnownTypes known{pt::fake_code_type, pt::fake_str_type, pt::fake_bytes_type, pt::fake_int_type,
                           pt::fake_dict_type,  pt::fake_module_type, fake_frame_type};

struct FakeHeap {
  py::PythonLayout l = py::layout_3_11();
  py::GreenletLayout g = py::greenlet_2_0_layout();
  pt::FakeMemory memory;
  std::uint64_t next = 0x100000;
  std::vector<std::vector<std::uint64_t>> lists{{}, {}, {}, {}};  // gen 0..2, permanent: nodes
  std::vector<std::uint64_t> frames_of_code;

  FakeHeap() {
    put_type(greenlet_type, "greenlet.greenlet", 0, g.object_size);
    put_type(subclass_type, "GreenThread", greenlet_type, 64);
    put_type(other_type, "dict", 0, 48);
    put_type(fake_frame_type, "frame", 0, 80);
    memory.put(runtime, pt::Blob(64).set<std::uint64_t>(l.runtime.interpreters_head, interp));
    link();
  }

  void put_type(std::uint64_t at, const std::string& name, std::uint64_t base, std::uint64_t basicsize) {
    const std::uint64_t text = at + 0x400;
    memory.put(text, pt::Blob().append_at(0, std::as_bytes(std::span(name.c_str(), name.size() + 1))));
    memory.put(at, pt::Blob(l.type.tp_base + 8)
                       .set<std::uint64_t>(l.type.tp_name, text)
                       .set<std::uint64_t>(l.type.tp_basicsize, basicsize)
                       .set<std::uint64_t>(l.type.tp_base, base));
  }

  std::uint64_t gen_head(std::size_t list) const {
    const std::uint64_t state = interp + l.interpreter.gc;
    return list < 3 ? state + l.gc.generations + list * l.gc.generation_size : state + l.gc.permanent_generation;
  }

  /// Rewrites the interpreter: its GC lists as circular doubly linked lists of the nodes added.
  void link(int collecting = 0) {
    pt::Blob i(l.interpreter.gc + l.gc.collecting + 8);
    i.set<std::int32_t>(l.interpreter.gc + l.gc.collecting, collecting);
    for (std::size_t k = 0; k < lists.size(); ++k) {
      const std::uint64_t head = gen_head(k);
      const auto& nodes = lists[k];
      const std::uint64_t first = nodes.empty() ? head : nodes.front();
      const std::uint64_t last = nodes.empty() ? head : nodes.back();
      i.set<std::uint64_t>(head - interp + l.gc.gc_next, first);
      i.set<std::uint64_t>(head - interp + l.gc.gc_prev, last);
    }
    memory.put(interp, i);
  }

  /// An object of `type` with `body` bytes after its header, tracked in list `list`; its address.
  std::uint64_t object(std::size_t list, std::uint64_t type, pt::Blob body = pt::Blob(16)) {
    const std::uint64_t node = next;
    next += 0x1000;
    auto& nodes = lists[list];
    const std::uint64_t prev = nodes.empty() ? gen_head(list) : nodes.back();
    body.set<std::uint64_t>(l.object.ob_type, type);
    pt::Blob b(l.gc.gc_head_size);
    b.set<std::uint64_t>(l.gc.gc_next, gen_head(list)).set<std::uint64_t>(l.gc.gc_prev, prev);
    b.append_at(l.gc.gc_head_size, body.bytes);
    memory.put(node, b);
    if (!nodes.empty()) relink_next(nodes.back(), node);
    nodes.push_back(node);
    link();
    return node + l.gc.gc_head_size;
  }

  void relink_next(std::uint64_t node, std::uint64_t next_node) {
    std::vector<std::byte> bytes(4096);
    const std::size_t n = memory.read(node, bytes);
    bytes.resize(n);
    std::memcpy(bytes.data() + l.gc.gc_next, &next_node, 8);
    memory.put(node, std::move(bytes));
  }

  std::uint64_t code(const std::string& name, int line) {
    const std::uint64_t n = place(pt::ascii_object(l, name));
    const std::uint64_t f = place(pt::ascii_object(l, "/srv/" + name + ".py"));
    const std::uint64_t t = place(pt::bytes_object(l, std::vector<std::byte>{std::byte{0x80 | (13 << 3) | 3}, std::byte{0}}));
    return place(pt::code_object(l, {4, line, n, n, f, t}));
  }
  std::uint64_t place(const pt::Blob& blob) {
    const std::uint64_t at = next;
    memory.put(at, blob);
    next += 0x1000;
    return at;
  }

  /// A chain of interpreter frames for `names`, innermost first; its innermost frame.
  std::uint64_t chain(const std::vector<std::string>& names) {
    std::uint64_t below = 0;
    for (std::size_t k = names.size(); k-- > 0;) {
      const std::uint64_t c = code(names[k], 10 * static_cast<int>(k + 1));
      below = place(pt::frame_object(l, c, below, c + l.code.code_adaptive + 2));
    }
    return below;
  }

  struct Impl {
    std::uint64_t stack_start = 0, stack_stop = 0, top_frame = 0, current_frame = 0, link = 0, cframe = 0;
  };

  /// A greenlet object (of `type`) and its implementation; its address.
  std::uint64_t greenlet(std::size_t list, std::uint64_t type, const Impl& impl, std::uint64_t self_fix = 0) {
    const std::uint64_t pimpl = next + 0x800;  // reserved below
    pt::Blob body(g.object_size);
    body.set<std::uint64_t>(g.pimpl, pimpl);
    const std::uint64_t object_address = object(list, type, body);
    pt::Blob i(g.implementation_size);
    i.set<std::uint64_t>(g.stack_start, impl.stack_start)
        .set<std::uint64_t>(g.stack_stop, impl.stack_stop)
        .set<std::uint64_t>(g.top_frame, impl.top_frame)
        .set<std::uint64_t>(g.current_frame, impl.current_frame)
        .set<std::uint64_t>(g.self, self_fix != 0 ? self_fix : object_address)
        .set<std::uint64_t>(g.main_greenlet, impl.link)
        .set<std::uint64_t>(g.cframe, impl.cframe);
    memory.put(pimpl, i);
    return object_address;
  }

  /// A suspended greenlet's saved state: a frame object whose f_frame is the chain's innermost frame.
  Impl suspended(std::uint64_t stack_stop, const std::vector<std::string>& names, std::uint64_t main) {
    const std::uint64_t first = chain(names);
    const std::uint64_t frame_object = place(pt::Blob(l.frame_object.f_frame + 8)
                                                 .set<std::uint64_t>(l.object.ob_type, fake_frame_type)
                                                 .set<std::uint64_t>(l.frame_object.f_frame, first));
    return {stack_stop - 0x100, stack_stop, frame_object, first, main};
  }

  py::PythonTarget target() const {
    py::PythonTarget t;
    t.layout = l;
    t.runtime = runtime;
    t.types = known;
    t.greenlet_type = greenlet_type;
    return t;
  }
};

py::GreenletSearchOptions stacks() {
  py::GreenletSearchOptions options;
  options.stacks = {{100, main_stack, main_stack + 0x80'0000}, {200, second_stack, second_stack + 0x80'0000}};
  return options;
}

std::vector<std::string> names(const py::FrameChain& chain) {
  std::vector<std::string> out;
  for (const auto& f : chain.frames) out.push_back(f.qualname + ":" + std::to_string(f.line.value_or(-1)));
  return out;
}

/// A process of two threads: thread 100 runs its main greenlet, with a suspended GreenThread, a
/// never-started and a dead greenlet; thread 200's main greenlet is suspended and a user greenlet runs.
struct TwoThreads {
  FakeHeap heap;
  std::uint64_t main1 = 0, worker = 0, fresh = 0, dead = 0, main2 = 0, runner = 0, plain = 0;

  TwoThreads() {
    const std::uint64_t state1 = heap.place(pt::Blob(16));
    const std::uint64_t state2 = heap.place(pt::Blob(16));
    main1 = heap.greenlet(2, greenlet_type, {1, ~std::uint64_t{0}, 0, 0x5555, state1});
    plain = heap.object(0, other_type);
    worker = heap.greenlet(0, subclass_type, heap.suspended(main_stack + 0x4000, {"work", "run"}, main1));
    fresh = heap.greenlet(1, greenlet_type, {0, 0, 0, 0, main1});
    dead = heap.greenlet(3, greenlet_type, {0, main_stack + 0x5000, 0, 0, main1});
    auto saved = heap.suspended(second_stack + 0x7000, {"thread_main", "bootstrap"}, 0);
    main2 = heap.greenlet(2, greenlet_type, {saved.stack_start, ~std::uint64_t{0}, saved.top_frame, saved.current_frame, state2});
    runner = heap.greenlet(1, greenlet_type, {second_stack + 0x6000, second_stack + 0x6800, 0, 0x1234, main2});
    heap.memory.put(state1, pt::Blob(16).set<std::uint64_t>(0, main1).set<std::uint64_t>(8, main1));
    heap.memory.put(state2, pt::Blob(16).set<std::uint64_t>(0, main2).set<std::uint64_t>(8, runner));
  }

  py::GreenletSearch search(const py::GreenletSearchOptions& options = stacks()) {
    py::CodeObjectCache codes;
    return py::find_green_threads(heap.memory, heap.target(), interp, codes, options);
  }
};

}  // namespace

TEST_SUITE("symbolize::python::greenlets") {
  TEST_CASE("the GC walk visits every generation and the permanent one and keeps objects by type") {
    FakeHeap heap;
    const std::uint64_t a = heap.object(0, other_type);
    const std::uint64_t b = heap.object(1, greenlet_type);
    const std::uint64_t c = heap.object(2, other_type);
    const std::uint64_t d = heap.object(3, subclass_type);
    std::vector<std::uint64_t> asked;
    const py::KeepType keep = [&](std::uint64_t type) {
      asked.push_back(type);
      return type != other_type;
    };
    const py::GcWalk walk = py::walk_gc_lists(heap.memory, heap.l, interp, keep, {});
    CHECK_FALSE(walk.stopped.has_value());
    CHECK(walk.visited == 4);
    CHECK(walk.bytes == 4 * 32);
    REQUIRE(walk.kept.size() == 2);
    CHECK(walk.kept[0].address == b);
    CHECK(walk.kept[1].address == d);
    CHECK(walk.kept[1].type == subclass_type);
    CHECK(asked.size() == 3);  // once per type
    (void)a;
    (void)c;
  }

  TEST_CASE("live greenlets: suspended with their frames, the running one with its thread, dead and unstarted left out") {
    TwoThreads p;
    const py::GreenletSearch s = p.search();
    CHECK_FALSE(s.absent.has_value());
    CHECK(s.left_out.empty());
    CHECK(s.gc_objects == 7);
    REQUIRE(s.green_threads.has_value());
    const auto& list = *s.green_threads;
    REQUIRE(list.size() == 4);  // main1, worker, main2, runner: by address
    CHECK(list[0].address == p.main1);
    CHECK(list[0].main);
    CHECK(list[0].running);
    CHECK(list[0].tid == 100);  // through its user greenlets' stack_stop
    CHECK(list[0].frames.frames.empty());
    CHECK(list[0].type_name == "greenlet.greenlet");

    CHECK(list[1].address == p.worker);
    CHECK(list[1].type_name == "GreenThread");
    CHECK_FALSE(list[1].running);
    CHECK(list[1].tid == 100);
    CHECK(names(list[1].frames) == std::vector<std::string>{"work:10", "run:20"});

    CHECK(list[2].address == p.main2);
    CHECK(list[2].main);
    CHECK_FALSE(list[2].running);
    CHECK(list[2].tid == 200);
    CHECK(names(list[2].frames) == std::vector<std::string>{"thread_main:10", "bootstrap:20"});

    CHECK(list[3].address == p.runner);
    CHECK(list[3].running);
    CHECK(list[3].tid == 200);
  }

  TEST_CASE("a running main greenlet alone in its thread: its thread from the cframe greenlet saved for it") {
    // Thread 300 made its main greenlet (greenlet.getcurrent()) and never switched: no user greenlet of
    // its own tells where it runs, and a running main greenlet's stack fields are 1 and -1. greenlet set
    // its saved cframe to that thread's &tstate->root_cframe when it made it; once it has switched away,
    // the cframe it saved is on its thread's C stack.
    TwoThreads p;
    constexpr std::uint64_t tstate3 = 0x5'0000;
    constexpr std::uint64_t third_stack = 0x7e00'0000'0000;
    std::uint64_t cframe = 0;
    SUBCASE("never switched: the cframe is its thread state's root_cframe") {
      cframe = tstate3 + *p.heap.l.thread.root_cframe;
    }
    SUBCASE("switched away and back: the cframe it saved is on its thread's stack") {
      cframe = third_stack + 0x7f'f000;
    }
    const std::uint64_t state3 = p.heap.place(pt::Blob(16));
    const std::uint64_t lone = p.heap.greenlet(0, greenlet_type, {1, ~std::uint64_t{0}, 0, 0x9999, state3, cframe});
    p.heap.memory.put(state3, pt::Blob(16).set<std::uint64_t>(0, lone).set<std::uint64_t>(8, lone));
    py::GreenletSearchOptions options = stacks();
    options.stacks.push_back({300, third_stack, third_stack + 0x80'0000});
    options.thread_states = {{100, 0x3'0000}, {200, 0x4'0000}, {300, tstate3}};
    const py::GreenletSearch s = p.search(options);
    CHECK(s.left_out.empty());
    REQUIRE(s.green_threads.has_value());
    const auto found = std::ranges::find(*s.green_threads, lone, &py::GreenThread::address);
    REQUIRE(found != s.green_threads->end());
    CHECK(found->main);
    CHECK(found->running);
    CHECK(found->tid == 300);
    CHECK(found->frames.frames.empty());
  }

  TEST_CASE("through read_python_process: --no-green-threads reads nothing of them, no greenlet module says so") {
    TwoThreads p;
    py::WalkOptions options;
    options.thread_names = false;
    options.greenlets = stacks();
    const py::PythonProcess found = py::read_python_process(p.heap.memory, p.heap.target(), options);
    REQUIRE(found.green_threads.has_value());
    CHECK(found.green_threads->size() == 4);
    CHECK(found.gc_objects_walked == 7);

    options.green_threads = false;
    const py::PythonProcess off = py::read_python_process(p.heap.memory, p.heap.target(), options);
    CHECK_FALSE(off.green_threads.has_value());
    CHECK(off.green_threads_absent == py::GreenThreadsAbsent::not_asked);
    CHECK(off.gc_objects_walked == 0);

    py::PythonTarget no_module = p.heap.target();
    no_module.greenlet_type.reset();
    options.green_threads = true;
    const py::PythonProcess none = py::read_python_process(p.heap.memory, no_module, options);
    CHECK(none.green_threads_absent == py::GreenThreadsAbsent::no_greenlet_module);
  }

  TEST_CASE("a collection in progress: nothing walked, reason collecting") {
    TwoThreads p;
    p.heap.link(1);
    const py::GreenletSearch s = p.search();
    CHECK_FALSE(s.green_threads.has_value());
    CHECK(s.absent == py::GreenThreadsAbsent::collecting);
    CHECK(s.gc_objects == 0);
  }

  TEST_CASE("corrupt GC lists stop the walk with an error: a node not pointing back, a loop, NULL, unreadable") {
    SUBCASE("_gc_prev does not point back") {
      TwoThreads p;
      const std::uint64_t node = p.heap.lists[0].back();
      p.heap.memory.put(node, pt::Blob(32).set<std::uint64_t>(0, p.heap.gen_head(0)).set<std::uint64_t>(8, 0xdead0));
      const auto s = p.search();
      CHECK(s.absent == py::GreenThreadsAbsent::unreadable);
      REQUIRE(s.error.has_value());
      CHECK(s.error->failure == py::DecodeFailure::corrupt);
    }
    SUBCASE("a loop that never comes back to its head") {
      TwoThreads p;
      const std::uint64_t a = p.heap.object(0, other_type);
      const std::uint64_t node = a - 16;
      // The node points at itself: entered correctly from its predecessor, then its own back pointer
      // (the predecessor) does not name it. Without the check this would loop until the budget.
      p.heap.memory.put(node, pt::Blob(32).set<std::uint64_t>(0, node).set<std::uint64_t>(8, p.heap.lists[0][1]));
      const auto s = p.search();
      CHECK(s.absent == py::GreenThreadsAbsent::unreadable);
      CHECK_FALSE(s.green_threads.has_value());
      REQUIRE(s.error.has_value());
      CHECK(s.error->failure == py::DecodeFailure::corrupt);
      CHECK(s.gc_objects == 3);
    }
    SUBCASE("NULL _gc_next") {
      TwoThreads p;
      const std::uint64_t node = p.heap.lists[1].front();
      p.heap.relink_next(node, 0);
      const auto s = p.search();
      CHECK(s.absent == py::GreenThreadsAbsent::unreadable);
      REQUIRE(s.error.has_value());
      CHECK(s.error->failure == py::DecodeFailure::null_pointer);
    }
    SUBCASE("a node in unreadable memory") {
      TwoThreads p;
      p.heap.relink_next(p.heap.lists[1].front(), 0x6666'0000);
      const auto s = p.search();
      CHECK(s.absent == py::GreenThreadsAbsent::unreadable);
      REQUIRE(s.error.has_value());
      CHECK(s.error->failure == py::DecodeFailure::unreadable);
    }
  }

  TEST_CASE("the bounds: objects and bytes, each gives the budget reason and the greenlets found before it") {
    // Walk order: generation 0 (plain, worker), 1 (fresh, runner), 2 (main1, main2), permanent (dead).
    TwoThreads p;
    py::GreenletSearchOptions options = stacks();
    options.limits.max_objects = 3;
    auto s = p.search(options);
    CHECK(s.absent == py::GreenThreadsAbsent::budget);
    CHECK(s.gc_objects == 3);
    REQUIRE(s.error.has_value());
    CHECK(s.error->message.find("more than 3 tracked objects") != std::string::npos);
    REQUIRE(s.green_threads.has_value());  // a partial list: the suspended worker, with its frames
    REQUIRE(s.green_threads->size() == 1);
    CHECK((*s.green_threads)[0].address == p.worker);
    CHECK((*s.green_threads)[0].tid == 100);
    CHECK(names((*s.green_threads)[0].frames) == std::vector<std::string>{"work:10", "run:20"});
    CHECK(s.left_out.empty());

    // Five: runner is reached, but not main2, whose ThreadState says runner runs: runner has no saved
    // frame and cannot be told running from broken, so it is left out rather than shown with a guess;
    // main1 is reached and runs.
    options.limits.max_objects = 5;
    s = p.search(options);
    CHECK(s.absent == py::GreenThreadsAbsent::budget);
    REQUIRE(s.green_threads.has_value());
    REQUIRE(s.green_threads->size() == 2);
    CHECK((*s.green_threads)[0].address == p.main1);
    CHECK((*s.green_threads)[0].running);
    CHECK((*s.green_threads)[0].tid == 100);
    CHECK((*s.green_threads)[1].address == p.worker);
    REQUIRE(s.left_out.size() == 1);
    CHECK(s.left_out[0].message.find("greenlet " + py::hex(p.runner)) == 0);
    CHECK(s.left_out[0].message.find("main greenlet") != std::string::npos);

    options = stacks();
    options.limits.max_bytes = 100;
    s = p.search(options);
    CHECK(s.absent == py::GreenThreadsAbsent::budget);
    CHECK(s.bytes <= 100);
    REQUIRE(s.green_threads.has_value());
    CHECK(s.green_threads->size() == 1);  // 3 nodes of 32 bytes: plain, worker, fresh
  }

  TEST_CASE("another greenlet layout: cross-checks refuse it, never a wrong stack") {
    SUBCASE("PyGreenlet_Type of another size") {
      TwoThreads p;
      p.heap.put_type(greenlet_type, "greenlet.greenlet", 0, 48);
      const auto s = p.search();
      CHECK(s.absent == py::GreenThreadsAbsent::unreadable);
      REQUIRE(s.error.has_value());
      CHECK(s.error->failure == py::DecodeFailure::unsupported);
    }
    SUBCASE("implementations that do not point back at their objects") {
      FakeHeap heap;
      heap.greenlet(0, greenlet_type, heap.suspended(main_stack + 0x4000, {"work"}, 0), 0x4242);
      py::CodeObjectCache codes;
      const auto s = py::find_green_threads(heap.memory, heap.target(), interp, codes, stacks());
      REQUIRE(s.green_threads.has_value());
      CHECK(s.green_threads->empty());
      REQUIRE(s.left_out.size() == 1);
      CHECK(s.left_out[0].failure == py::DecodeFailure::unsupported);
    }
    SUBCASE("a saved frame that is not a frame object, or whose f_frame is elsewhere") {
      FakeHeap heap;
      auto wrong_type = heap.suspended(main_stack + 0x4000, {"work"}, 0);
      heap.memory.put(wrong_type.top_frame, pt::Blob(32).set<std::uint64_t>(heap.l.object.ob_type, other_type)
                                                 .set<std::uint64_t>(heap.l.frame_object.f_frame, wrong_type.current_frame));
      heap.greenlet(0, greenlet_type, wrong_type);
      auto elsewhere = heap.suspended(main_stack + 0x8000, {"other"}, 0);
      elsewhere.current_frame += 8;
      heap.greenlet(0, greenlet_type, elsewhere);
      py::CodeObjectCache codes;
      const auto s = py::find_green_threads(heap.memory, heap.target(), interp, codes, stacks());
      // Every live greenlet failed its checks: the list is refused as a whole.
      CHECK_FALSE(s.green_threads.has_value());
      CHECK(s.absent == py::GreenThreadsAbsent::unreadable);
      CHECK(s.left_out.size() == 2);
    }
  }
}
