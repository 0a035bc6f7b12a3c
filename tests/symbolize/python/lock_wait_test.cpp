// find_lock_wait on hand-built frames of every layout: the lock object on the asking frame's evaluation
// stack is named (a Lock as `self`, an RLock with its owner and count, a Lock behind the bound __exit__ a
// `with` leaves) only when its type is _thread.lock / _thread.RLock of the right size and its lock word is
// the futex word; another word, another type, a wrong size, two candidates, wild pointers, an unreadable
// stack or an absurd co_stacksize give no lock, never a crash.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "symbolize/python/fake_memory.hpp"
#include "symbolize/python/lock_wait.hpp"
#include "symbolize/python/static_layouts.hpp"

namespace py = gmr::symbolize::python;
namespace pt = gmr::test::python;

namespace {

const py::KnownTypes known{pt::fake_code_type, pt::fake_str_type, pt::fake_bytes_type, pt::fake_int_type,
                           pt::fake_dict_type,  pt::fake_module_type, std::nullopt};

constexpr std::uint64_t lock_type = 0x70000;
constexpr std::uint64_t rlock_type = 0x71000;
constexpr std::uint64_t method_type = 0x72000;
constexpr std::uint64_t fake_lock_type = 0x73000;  // "_thread.lock" with another tp_basicsize
constexpr std::uint64_t other_type = 0x74000;
constexpr std::uint64_t code = 0x80000;
constexpr std::uint64_t frame = 0x90000;
constexpr std::uint64_t futex = 0x5555'0000'1000;  // the sem_t the thread sleeps on
constexpr std::int32_t locals = 3;

struct Fake {
  const py::PythonLayout& l;
  pt::FakeMemory memory;
  std::uint64_t next = 0x100000;

  explicit Fake(const py::PythonLayout& layout, std::int32_t stacksize = 6) : l(layout) {
    type(lock_type, "_thread.lock", l.lock.size);
    type(rlock_type, "_thread.RLock", l.rlock.size);
    type(method_type, "builtin_function_or_method", 56);
    type(fake_lock_type, "_thread.lock", l.lock.size + 8);
    type(other_type, "dict", l.lock.size);
    const std::uint64_t name = place(pt::ascii_object(l, "waiter"));
    const std::uint64_t file = place(pt::ascii_object(l, "/srv/w.py"));
    const std::uint64_t table = place(pt::bytes_object(l, std::vector<std::byte>{std::byte{0x80 | (13 << 3) | 3}, std::byte{0}}));
    memory.put(code, pt::code_object(l, {.units = 4, .firstlineno = 7, .name = name, .qualname = name, .filename = file,
                                         .linetable = table, .stacksize = stacksize, .nlocalsplus = locals}));
  }

  std::uint64_t place(const pt::Blob& blob) {
    const std::uint64_t at = next;
    memory.put(at, blob);
    next += (blob.bytes.size() + 0x1ff) & ~std::uint64_t{0xff};
    return at;
  }

  void type(std::uint64_t at, const std::string& name, std::int64_t basicsize) {
    const std::uint64_t text = at + 0x400;
    pt::Blob t(l.type.tp_basicsize + 8);
    t.set<std::uint64_t>(l.type.tp_name, text);
    t.set<std::int64_t>(l.type.tp_basicsize, basicsize);
    memory.put(at, t);
    pt::Blob n(name.size() + 1);
    for (std::size_t i = 0; i < name.size(); ++i) n.set<char>(i, name[i]);
    memory.put(text, n);
  }

  std::uint64_t lock(std::uint64_t word, std::uint64_t type = lock_type) {
    return place(pt::Blob(l.lock.size).set<std::uint64_t>(l.object.ob_type, type).set<std::uint64_t>(l.lock.lock_lock, word));
  }

  std::uint64_t rlock(std::uint64_t word, std::uint64_t owner, std::uint64_t count) {
    return place(pt::Blob(l.rlock.size)
                     .set<std::uint64_t>(l.object.ob_type, rlock_type)
                     .set<std::uint64_t>(l.rlock.rlock_lock, word)
                     .set<std::uint64_t>(l.rlock.owner, owner)
                     .set<std::uint64_t>(l.rlock.count, count));
  }

  std::uint64_t bound_method(std::uint64_t self) {
    return place(pt::Blob(56).set<std::uint64_t>(l.object.ob_type, method_type).set<std::uint64_t>(l.cfunction.m_self, self));
  }

  /// The asking frame, its locals holding `in_locals` and its evaluation stack `stack` (6 slots).
  void frame_with(const std::vector<std::uint64_t>& stack, std::uint64_t in_locals = 0) {
    pt::Blob f = pt::frame_object(l, code, 0, code + l.code.code_adaptive + 2);
    for (std::int32_t i = 0; i < locals; ++i) f.set<std::uint64_t>(l.frame.localsplus + 8 * i, in_locals);
    for (std::size_t i = 0; i < 6; ++i)
      f.set<std::uint64_t>(l.frame.localsplus + 8 * (locals + i), i < stack.size() ? stack[i] : 0);
    memory.put(frame, f);
  }

  std::optional<py::PythonLockWait> find(std::uint64_t word = futex) const {
    py::CodeObjectCache codes;
    py::PythonFrame asking;
    asking.frame.address = frame;
    asking.frame.executable = code;
    asking.code = code;
    return py::find_lock_wait(memory, l, known, codes, asking, word);
  }
};

std::vector<py::PythonLayout> layouts() { return {py::layout_3_11(), py::layout_3_12(), py::layout_3_13()}; }

}  // namespace

TEST_SUITE("symbolize::python::lock_wait") {
  TEST_CASE("a Lock as self of acquire(), an RLock with owner and count, a Lock behind a with's bound __exit__") {
    for (const auto& layout : layouts()) {
      CAPTURE(layout.version);
      Fake fake(layout);
      const std::uint64_t other_lock = fake.lock(0x5555'0000'2000);
      const std::uint64_t lock = fake.lock(futex);
      // [unbound method, self, argument]; a stale lock of another word above them.
      fake.frame_with({0x1234568, lock, 0x77, other_lock});
      auto found = fake.find();
      REQUIRE(found.has_value());
      CHECK(found->kind == py::PythonLockWait::Kind::lock);
      CHECK(found->object == lock);
      CHECK(found->type_name == "_thread.lock");
      CHECK(found->lock_word == futex);
      CHECK(found->frame == frame);
      CHECK(!found->through_bound_method);
      CHECK(!found->owner_ident.has_value());
      CHECK(!found->count.has_value());

      // The same object twice (callable and self slots) is still one lock.
      fake.frame_with({lock, lock});
      CHECK(fake.find().has_value());

      const std::uint64_t rlock = fake.rlock(futex, 0x7f00'1234'5600, 2);
      fake.frame_with({rlock});
      found = fake.find();
      REQUIRE(found.has_value());
      CHECK(found->kind == py::PythonLockWait::Kind::rlock);
      CHECK(found->type_name == "_thread.RLock");
      CHECK(found->owner_ident == std::optional<std::uint64_t>(0x7f00'1234'5600));
      CHECK(found->count == std::optional<std::uint64_t>(2));

      // An RLock nobody holds (released between the owner's release and the waiter's wake-up).
      fake.frame_with({fake.rlock(futex, 0, 0)});
      found = fake.find();
      REQUIRE(found.has_value());
      CHECK(!found->owner_ident.has_value());
      CHECK(!found->count.has_value());

      fake.frame_with({fake.bound_method(lock), 0});
      found = fake.find();
      REQUIRE(found.has_value());
      CHECK(found->object == lock);
      CHECK(found->through_bound_method);
    }
  }

  TEST_CASE("no lock unless type, size and futex word all agree on exactly one object") {
    for (const auto& layout : layouts()) {
      CAPTURE(layout.version);
      Fake fake(layout);
      const std::uint64_t lock = fake.lock(futex);
      fake.frame_with({lock});
      CHECK(!fake.find(futex + 0x40).has_value());  // another futex word
      CHECK(!fake.find(0).has_value());

      fake.frame_with({fake.lock(futex, other_type)});  // a dict whose second word is the futex address
      CHECK(!fake.find().has_value());
      fake.frame_with({fake.lock(futex, fake_lock_type)});  // the name, not the size
      CHECK(!fake.find().has_value());
      fake.frame_with({fake.lock(futex, 0x6'6666'6660)});  // a type in no memory
      CHECK(!fake.find().has_value());
      fake.frame_with({fake.lock(futex, 0)});  // NULL type
      CHECK(!fake.find().has_value());

      fake.frame_with({lock, fake.lock(futex)});  // two lock objects on one word: corrupt, name none
      CHECK(!fake.find().has_value());

      fake.frame_with({}, lock);  // only among the locals: not the evaluation stack
      CHECK(!fake.find().has_value());

      // A bound method of something else, of itself, of garbage.
      fake.frame_with({fake.bound_method(fake.lock(0x1000))});
      CHECK(!fake.find().has_value());
      const std::uint64_t self_bound = fake.next;
      fake.frame_with({fake.bound_method(self_bound)});
      CHECK(!fake.find().has_value());
      fake.frame_with({fake.bound_method(0xdead'beef'0001)});
      CHECK(!fake.find().has_value());
    }
  }

  TEST_CASE("wild slots, an unreadable stack and absurd code objects give no lock and no crash") {
    for (const auto& layout : layouts()) {
      CAPTURE(layout.version);
      {
        Fake fake(layout);
        const std::uint64_t lock = fake.lock(futex);
        fake.frame_with({1, 0xffff'ffff'ffff'fff8, 0x7fff'ffff'f001, std::uint64_t(-1), 0x10, lock});
        auto found = fake.find();  // the wild slots are skipped, the lock is still found
        REQUIRE(found.has_value());
        CHECK(found->object == lock);
        // The frame ends before its evaluation stack does.
        fake.memory.put(frame, pt::frame_object(layout, code, 0, code + layout.code.code_adaptive + 2));
        CHECK(!fake.find().has_value());
      }
      for (std::int32_t stacksize : {0, -1, py::max_stack_slots + 1, 0x7fffffff}) {
        CAPTURE(stacksize);
        Fake fake(layout, stacksize);
        fake.frame_with({fake.lock(futex)});
        CHECK(!fake.find().has_value());
      }
      {
        Fake fake(layout);
        fake.frame_with({fake.lock(futex)});
        fake.memory.put(code, pt::Blob(16));  // the code object is gone
        CHECK(!fake.find().has_value());
      }
    }
  }
}
