// The lock-object offsets of the layout tables (lockobject and rlockobject of Modules/_threadmodule.c,
// which no installed header declares) against every installed interpreter, live: lock_layout_target.py
// holds a Lock, leaves another free, takes an RLock 3 times and weak-references both; read from outside
// (/proc/PID/mem) each field must be what that state makes it — the type (by address, tp_name and
// tp_basicsize = sizeof), the weak-reference list, `locked`, the RLock's owner ident and count, and a lock
// word pointing at the glibc semaphore whose futex word (its value) is 0 when held and 1 when free:
// the word a thread blocked acquiring the lock sleeps on.
#include <doctest/doctest.h>

#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "symbolize/python/object_types.hpp"
#include "symbolize/python/python_installs.hpp"
#include "symbolize/python/remote_read.hpp"
#include "symbolize/python/static_layouts.hpp"

namespace py = gmr::symbolize::python;
namespace pt = gmr::test::python;

namespace {

py::PythonLayout table_for(int minor) {
  return minor == 11 ? py::layout_3_11() : minor == 12 ? py::layout_3_12() : py::layout_3_13();
}

std::uint64_t word_at(const gmr::attach::MemorySource& memory, std::uint64_t address) {
  auto word = py::read_word(memory, address, "test");
  REQUIRE_MESSAGE(word.has_value(), "nothing readable at " << py::hex(address));
  return *word;
}

std::uint32_t u32_at(const gmr::attach::MemorySource& memory, std::uint64_t address) {
  auto block = py::read_block(memory, address, 4, "test");
  REQUIRE(block.has_value());
  return block->get<std::uint32_t>(0);
}

}  // namespace

TEST_SUITE("symbolize::python::layout") {
  TEST_CASE("the Lock and RLock offsets of each table hold in every installed interpreter, read live") {
    for (const auto& install : pt::installs_to_run()) {
      CAPTURE(install.label);
      gmr::test::FixtureOptions options;
      options.prefix = {install.binary, "-I", pt::test_file("lock_layout_target.py")};
      gmr::test::Fixture target("lock_layout_target.py", options);
      std::istringstream line(target.ready_line());
      std::string ready, threads;
      std::uint64_t held = 0, free = 0, rlock = 0, ident = 0, held_ref = 0, rlock_ref = 0, lock_type = 0,
                    rlock_type = 0, lock_size = 0, rlock_size = 0;
      line >> ready >> threads >> held >> free >> rlock >> ident >> held_ref >> rlock_ref >> lock_type >> rlock_type >>
          lock_size >> rlock_size;
      REQUIRE(rlock_size != 0);
      const py::PythonLayout l = table_for(install.minor);
      pt::ProcMemory memory(target.pid());

      CHECK(lock_size == l.lock.size);
      CHECK(rlock_size == l.rlock.size);
      CHECK(word_at(memory, held + l.object.ob_type) == lock_type);
      CHECK(word_at(memory, rlock + l.object.ob_type) == rlock_type);
      CHECK(py::type_name(memory, l, lock_type).value_or("?") == "_thread.lock");
      CHECK(py::type_name(memory, l, rlock_type).value_or("?") == "_thread.RLock");
      CHECK(static_cast<std::uint64_t>(word_at(memory, lock_type + l.type.tp_basicsize)) == l.lock.size);

      CHECK(word_at(memory, held + l.lock.in_weakreflist) == held_ref);
      CHECK(word_at(memory, free + l.lock.in_weakreflist) == 0);
      CHECK((word_at(memory, held + l.lock.locked) & 0xff) == 1);
      CHECK((word_at(memory, free + l.lock.locked) & 0xff) == 0);
      const std::uint64_t held_sem = word_at(memory, held + l.lock.lock_lock);
      const std::uint64_t free_sem = word_at(memory, free + l.lock.lock_lock);
      CHECK(u32_at(memory, held_sem) == 0);  // glibc sem_t: the value is the futex word, first
      CHECK(u32_at(memory, free_sem) == 1);

      CHECK(word_at(memory, rlock + l.rlock.owner) == ident);
      CHECK(word_at(memory, rlock + l.rlock.count) == 3);
      CHECK(word_at(memory, rlock + l.rlock.in_weakreflist) == rlock_ref);
      CHECK(u32_at(memory, word_at(memory, rlock + l.rlock.rlock_lock)) == 0);

      MESSAGE(install.label << ": lockobject and rlockobject offsets hold on a live interpreter");
      target.close_stdin_and_wait();
    }
  }
}
