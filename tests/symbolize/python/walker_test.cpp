// read_python_process on hand-built interpreters of every layout: threads with several eval-loop
// activations come out as runs with the right C-stack markers (3.11: the _PyCFrame; 3.12+: the shim
// frame), names and lines, tids, the GIL holder; a corrupt runtime (loops, wild pointers, cut memory)
// gives errors in the result and never a crash or an endless walk.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "symbolize/python/fake_memory.hpp"
#include "symbolize/python/static_layouts.hpp"
#include "symbolize/python/walker.hpp"

namespace py = gmr::symbolize::python;
namespace pt = gmr::test::python;

namespace {

const py::KnownTypes known{pt::fake_code_type, pt::fake_str_type, pt::fake_bytes_type, pt::fake_int_type,
                           pt::fake_dict_type,  pt::fake_module_type, std::nullopt};

std::vector<py::PythonLayout> layouts() { return {py::layout_3_11(), py::layout_3_12(), py::layout_3_13()}; }

constexpr std::uint64_t runtime = 0x10000;
constexpr std::uint64_t interp = 0x20000;
constexpr std::uint64_t gil = 0x28000;

/// A fake interpreter: threads whose Python frames are grouped in runs (one per eval-loop activation).
struct FakeInterpreter {
  const py::PythonLayout& l;
  pt::FakeMemory memory;
  std::uint64_t next_object = 0x100000;
  std::uint64_t next_frame = 0x400000;
  std::uint64_t next_stack = 0x7f0000;  // the C stacks, where _PyCFrames and shim frames live
  std::vector<std::uint64_t> threads;
  std::map<std::string, std::uint64_t> codes;
  // What a test expects to read back: per thread, per run, its marker.
  std::vector<std::vector<std::uint64_t>> markers;
  std::vector<std::uint64_t> innermost;  // per thread (newest first, as `threads`): its innermost frame

  explicit FakeInterpreter(const py::PythonLayout& layout) : l(layout) {
    memory.put(runtime, pt::Blob(l.runtime.gil.value_or(0) + 64).set<std::uint64_t>(l.runtime.interpreters_head, interp));
    if (l.interpreter.ceval_gil) memory.put(gil, pt::Blob(64));
    link_threads();
  }

  std::uint64_t place(const pt::Blob& blob) {
    const std::uint64_t at = next_object;
    memory.put(at, blob);
    next_object += (blob.bytes.size() + 0x1ff) & ~std::uint64_t{0xff};
    return at;
  }

  std::uint64_t code(const std::string& name, int line) {
    if (auto it = codes.find(name); it != codes.end()) return it->second;
    const std::uint64_t n = place(pt::ascii_object(l, name));
    const std::uint64_t q = place(pt::ascii_object(l, "Q." + name));
    const std::uint64_t f = place(pt::ascii_object(l, "/srv/" + name + ".py"));
    const std::uint64_t t = place(pt::bytes_object(l, std::vector<std::byte>{std::byte{0x80 | (13 << 3) | 3}, std::byte{0}}));
    return codes[name] = place(pt::code_object(l, {4, line, n, q, f, t}));
  }

  void link_threads() {
    pt::Blob i(l.interpreter.threads_head + 8);
    i.set<std::uint64_t>(l.interpreter.threads_head, threads.empty() ? 0 : threads.front());
    if (l.interpreter.ceval_gil) i.set<std::uint64_t>(*l.interpreter.ceval_gil, gil);
    i.set<std::uint64_t>(l.interpreter.modules, 0);  // sys.modules NULL: no thread names
    memory.put(interp, i);
  }

  /// A thread state with native tid `tid`, its runs innermost first (each a list of function names).
  std::uint64_t add_thread(std::uint64_t tid, const std::vector<std::vector<std::string>>& runs) {
    const std::uint64_t tstate = 0x200000 + threads.size() * 0x1000;
    const bool cframes = l.thread.cframe.has_value();
    const bool shims = l.frame_model != py::FrameModel::cframe_entry_flag;
    // Frames and markers from the outermost run in, so that each knows its caller.
    std::uint64_t caller = 0;             // the frame the next run's entry returns to
    std::uint64_t previous_cframe = cframes ? tstate + *l.thread.root_cframe : 0;
    std::vector<std::uint64_t> thread_markers(runs.size());
    std::uint64_t top = 0;
    for (std::size_t r = runs.size(); r-- > 0;) {
      const std::uint64_t stack = next_stack;
      next_stack += 0x1000;
      std::uint64_t below = caller;
      if (shims) {
        const std::uint64_t shim = stack + 0x100;
        memory.put(shim, pt::frame_object(l, 0x999990, caller, 0, py::frame_owned_by_cstack));
        below = shim;
        thread_markers[r] = shim;
      }
      std::uint64_t first = 0;
      for (std::size_t k = runs[r].size(); k-- > 0;) {
        const std::uint64_t frame = next_frame;
        next_frame += 0x100;
        const std::uint64_t c = code(runs[r][k], 10 + static_cast<int>(k));
        auto blob = pt::frame_object(l, c, below, c + l.code.code_adaptive + 2);
        if (l.frame.is_entry && k + 1 == runs[r].size()) blob.set<std::uint8_t>(*l.frame.is_entry, 1);
        memory.put(frame, blob);
        below = frame;
        first = frame;
      }
      if (cframes) {
        const std::uint64_t cframe = stack + 0x200;
        memory.put(cframe, pt::Blob(24).set<std::uint64_t>(l.cframe.current_frame, first)
                               .set<std::uint64_t>(l.cframe.previous, previous_cframe));
        previous_cframe = cframe;
        if (!shims) thread_markers[r] = cframe;
      }
      caller = first;
      top = first;
    }
    pt::Blob t(512);
    t.set<std::uint64_t>(l.thread.next, threads.empty() ? 0 : threads.front());
    t.set<std::uint64_t>(l.thread.interp, interp);
    t.set<std::uint64_t>(l.thread.thread_id, 0x7f00'0000'0000 + tid);
    t.set<std::uint64_t>(l.thread.native_thread_id, tid);
    if (cframes) t.set<std::uint64_t>(*l.thread.cframe, previous_cframe);
    if (l.thread.current_frame) t.set<std::uint64_t>(*l.thread.current_frame, top);
    if (cframes) t.set<std::uint64_t>(*l.thread.root_cframe + l.cframe.current_frame, 0);
    memory.put(tstate, t);
    threads.insert(threads.begin(), tstate);
    markers.insert(markers.begin(), thread_markers);
    innermost.insert(innermost.begin(), top);
    link_threads();
    return tstate;
  }

  void hold_gil(std::uint64_t tstate) {
    pt::Blob g(64);
    g.set<std::int32_t>(l.gil.locked, 1).set<std::uint64_t>(l.gil.last_holder, tstate);
    if (l.interpreter.ceval_gil) {
      memory.put(gil, g);
    } else {
      pt::Blob r(l.runtime.gil.value_or(0) + 64);
      r.set<std::uint64_t>(l.runtime.interpreters_head, interp);
      r.append_at(*l.runtime.gil, g.bytes);
      memory.put(runtime, r);
    }
  }

  py::PythonTarget target() const {
    py::PythonTarget t;
    t.layout = l;
    t.runtime = runtime;
    t.types = known;
    return t;
  }
};

py::WalkOptions no_names() {
  py::WalkOptions options;
  options.thread_names = false;
  return options;
}

std::vector<std::string> names_of(const py::FrameRun& run) {
  std::vector<std::string> names;
  for (const auto& f : run.frames) names.push_back(f.qualname + ":" + std::to_string(f.line.value_or(-1)));
  return names;
}

}  // namespace

TEST_SUITE("symbolize::python::walker") {
  TEST_CASE("threads: runs split per eval-loop activation, each with its C-stack marker, tids, the GIL holder") {
    for (const auto& l : layouts()) {
      CAPTURE(py::version_string(l.version));
      FakeInterpreter fake(l);
      fake.add_thread(302, {{"inner", "middle"}, {"outer"}});
      const std::uint64_t holder = fake.add_thread(301, {{"spin", "run", "bootstrap"}});
      fake.add_thread(9999, {{"stranger"}});
      fake.hold_gil(holder);
      py::WalkOptions options = no_names();
      options.process_tids = std::vector<pid_t>{301, 302};
      const py::PythonProcess p = py::read_python_process(fake.memory, fake.target(), options);
      CHECK(p.errors.empty());
      CHECK(p.version == l.version);
      REQUIRE(p.threads.size() == 3);
      CHECK(p.threads[0].tid == 301);
      CHECK(p.threads[1].tid == 302);
      CHECK_FALSE(p.threads[2].tid.has_value());  // not a thread of the process
      CHECK(p.gil_holder == 301);
      CHECK(p.threads[0].holds_gil);
      CHECK_FALSE(p.threads[1].holds_gil);
      CHECK(p.threads[0].thread_id == 0x7f00'0000'0000 + 301);

      REQUIRE(p.threads[0].runs.size() == 1);
      CHECK(names_of(p.threads[0].runs[0]) == std::vector<std::string>{"Q.spin:10", "Q.run:11", "Q.bootstrap:12"});
      CHECK(p.threads[0].runs[0].c_stack_marker == fake.markers[1][0]);
      const auto& two = p.threads[1];
      CHECK_FALSE(two.truncated.has_value());
      REQUIRE(two.runs.size() == 2);
      CHECK(names_of(two.runs[0]) == std::vector<std::string>{"Q.inner:10", "Q.middle:11"});
      CHECK(names_of(two.runs[1]) == std::vector<std::string>{"Q.outer:10"});
      CHECK(two.runs[0].c_stack_marker == fake.markers[2][0]);
      CHECK(two.runs[1].c_stack_marker == fake.markers[2][1]);
      CHECK(two.runs[0].frames[0].filename == "/srv/inner.py");
    }
  }

  TEST_CASE("a thread in a futex wait gets the lock its innermost frame is acquiring, an RLock's owner as its tid") {
    constexpr std::uint64_t futex = 0x5555'0000'1000;
    constexpr std::uint64_t rlock_type = 0x70000;
    constexpr std::uint64_t rlock = 0x71000;
    for (const auto& l : layouts()) {
      CAPTURE(py::version_string(l.version));
      FakeInterpreter fake(l);
      fake.add_thread(701, {{"hold"}});
      fake.add_thread(702, {{"acquire_it", "outer"}});
      fake.add_thread(703, {{"sleeper"}});
      fake.memory.put(rlock_type, pt::Blob(l.type.tp_basicsize + 8)
                                      .set<std::uint64_t>(l.type.tp_name, rlock_type + 0x400)
                                      .set<std::int64_t>(l.type.tp_basicsize, l.rlock.size));
      fake.memory.put(rlock_type + 0x400, std::vector<std::byte>{std::byte{'_'}, std::byte{'t'}, std::byte{'h'},
                                                                  std::byte{'r'}, std::byte{'e'}, std::byte{'a'},
                                                                  std::byte{'d'}, std::byte{'.'}, std::byte{'R'},
                                                                  std::byte{'L'}, std::byte{'o'}, std::byte{'c'},
                                                                  std::byte{'k'}, std::byte{0}});
      fake.memory.put(rlock, pt::Blob(l.rlock.size)
                                 .set<std::uint64_t>(l.object.ob_type, rlock_type)
                                 .set<std::uint64_t>(l.rlock.rlock_lock, futex)
                                 .set<std::uint64_t>(l.rlock.owner, 0x7f00'0000'0000 + 701)
                                 .set<std::uint64_t>(l.rlock.count, 3));
      // acquire_it's code gets an evaluation stack of 2 slots, its frame the RLock in the first.
      const std::uint64_t code = fake.codes.at("acquire_it");
      std::vector<std::byte> bytes(l.code.code_adaptive + 8);
      bytes.resize(fake.memory.read(code, bytes));
      fake.memory.put(code, pt::Blob(0).append_at(0, bytes).set<std::int32_t>(l.code.stacksize, 2)
                                .set<std::int32_t>(l.code.nlocalsplus, 0));
      const std::uint64_t frame = fake.innermost[1];
      std::vector<std::byte> frame_bytes(l.frame.size);
      REQUIRE(fake.memory.read(frame, frame_bytes) == l.frame.size);
      fake.memory.put(frame, pt::Blob(0).append_at(0, frame_bytes).set<std::uint64_t>(l.frame.localsplus, rlock)
                                 .set<std::uint64_t>(l.frame.localsplus + 8, 0));

      py::WalkOptions options = no_names();
      options.futex_waits = {{702, futex}, {703, futex}};
      py::PythonProcess p = py::read_python_process(fake.memory, fake.target(), options);
      CHECK(p.errors.empty());
      REQUIRE(p.threads.size() == 3);
      CHECK_FALSE(p.threads[0].lock_wait.has_value());
      CHECK_FALSE(p.threads[2].lock_wait.has_value());  // its frame has no evaluation stack
      REQUIRE(p.threads[1].lock_wait.has_value());
      const auto& wait = *p.threads[1].lock_wait;
      CHECK(wait.object == rlock);
      CHECK(wait.kind == py::PythonLockWait::Kind::rlock);
      CHECK(wait.frame == frame);
      CHECK(wait.count == std::optional<std::uint64_t>(3));
      CHECK(wait.owner_tid == std::optional<pid_t>(701));
      CHECK(names_of(p.threads[1].runs[0])[0] == "Q.acquire_it:10");

      // Another futex word, or no futex wait at all: no lock.
      options.futex_waits = {{702, futex + 8}};
      p = py::read_python_process(fake.memory, fake.target(), options);
      CHECK_FALSE(p.threads[1].lock_wait.has_value());
      p = py::read_python_process(fake.memory, fake.target(), no_names());
      CHECK_FALSE(p.threads[1].lock_wait.has_value());
    }
  }

  TEST_CASE("nobody holds the GIL, and a thread with no Python frames has no runs") {
    for (const auto& l : layouts()) {
      CAPTURE(py::version_string(l.version));
      FakeInterpreter fake(l);
      fake.add_thread(400, {});
      const py::PythonProcess p = py::read_python_process(fake.memory, fake.target(), no_names());
      CHECK(p.errors.empty());
      REQUIRE(p.threads.size() == 1);
      CHECK(p.threads[0].runs.empty());
      CHECK_FALSE(p.threads[0].truncated.has_value());
      CHECK_FALSE(p.gil_holder.has_value());
    }
  }

  TEST_CASE("the frame budget per thread cuts a deep thread and says so") {
    for (const auto& l : layouts()) {
      CAPTURE(py::version_string(l.version));
      FakeInterpreter fake(l);
      std::vector<std::string> deep;
      for (int i = 0; i < 40; ++i) deep.push_back("f" + std::to_string(i % 3));
      fake.add_thread(500, {deep});
      py::WalkOptions options = no_names();
      options.max_frames_per_thread = 25;
      const py::PythonProcess p = py::read_python_process(fake.memory, fake.target(), options);
      REQUIRE(p.threads.size() == 1);
      REQUIRE(p.threads[0].runs.size() == 1);
      CHECK(p.threads[0].runs[0].frames.size() == 25);
      REQUIRE(p.threads[0].truncated.has_value());
      CHECK(p.threads[0].truncated->failure == py::DecodeFailure::too_many);
      // 3.11 finds the marker by the run's first frame; 3.12+ never reached the shim that ends the run.
      CHECK(p.threads[0].runs[0].c_stack_marker.has_value() == (l.frame_model == py::FrameModel::cframe_entry_flag));
    }
  }

  TEST_CASE("a corrupt runtime gives errors, never a crash: loops, wild pointers, cut memory") {
    for (const auto& l : layouts()) {
      CAPTURE(py::version_string(l.version));
      const auto failure_in = [](const py::PythonProcess& p, py::DecodeFailure failure) {
        for (const auto& e : p.errors)
          if (e.failure == failure) return true;
        return false;
      };
      SUBCASE("no runtime at all") {
        pt::FakeMemory empty;
        FakeInterpreter fake(l);
        const auto p = py::read_python_process(empty, fake.target(), no_names());
        CHECK(p.threads.empty());
        CHECK(failure_in(p, py::DecodeFailure::unreadable));
      }
      SUBCASE("an interpreter list that loops") {
        FakeInterpreter fake(l);
        fake.add_thread(600, {{"a"}});
        pt::Blob i(1024);
        i.set<std::uint64_t>(l.interpreter.next, interp).set<std::uint64_t>(l.interpreter.threads_head, fake.threads[0]);
        fake.memory.put(interp, i);
        const auto p = py::read_python_process(fake.memory, fake.target(), no_names());
        CHECK(failure_in(p, py::DecodeFailure::cycle));
        CHECK(p.threads.empty());
      }
      SUBCASE("a thread list that runs into unmapped memory keeps the threads before") {
        FakeInterpreter fake(l);
        const std::uint64_t t = fake.add_thread(601, {{"a"}});
        fake.add_thread(602, {{"b"}});
        auto blob = pt::Blob(512);
        blob.set<std::uint64_t>(l.thread.next, 0xdead'0000);
        blob.set<std::uint64_t>(l.thread.native_thread_id, 601);
        fake.memory.put(t, blob);
        const auto p = py::read_python_process(fake.memory, fake.target(), no_names());
        CHECK(p.threads.size() == 2);
        CHECK(failure_in(p, py::DecodeFailure::unreadable));
      }
      SUBCASE("a frame chain that loops, and a wild GIL pointer") {
        FakeInterpreter fake(l);
        fake.add_thread(603, {{"a", "b", "c"}});
        // The innermost frame's `previous` points back at itself.
        const std::uint64_t top = 0x400000 + 2 * 0x100;  // frames are placed outermost first
        auto frame = pt::frame_object(l, fake.codes.at("a"), top, fake.codes.at("a") + l.code.code_adaptive + 2);
        fake.memory.put(top, frame);
        if (l.interpreter.ceval_gil) {
          pt::Blob i(1024);
          i.set<std::uint64_t>(l.interpreter.threads_head, fake.threads[0]).set<std::uint64_t>(*l.interpreter.ceval_gil, 0x5);
          fake.memory.put(interp, i);
        }
        const auto p = py::read_python_process(fake.memory, fake.target(), no_names());
        REQUIRE(p.threads.size() == 1);
        REQUIRE(p.threads[0].truncated.has_value());
        CHECK(p.threads[0].truncated->failure == py::DecodeFailure::cycle);
        CHECK(p.threads[0].runs.size() == 1);
        if (l.interpreter.ceval_gil) CHECK(failure_in(p, py::DecodeFailure::unreadable));
      }
      SUBCASE("thread names asked for, but sys.modules is NULL") {
        FakeInterpreter fake(l);
        fake.add_thread(604, {{"a"}});
        const auto p = py::read_python_process(fake.memory, fake.target(), py::WalkOptions{});
        CHECK(p.threads.size() == 1);
        CHECK_FALSE(p.threads[0].name.has_value());
        CHECK(failure_in(p, py::DecodeFailure::null_pointer));
      }
    }
  }
}
