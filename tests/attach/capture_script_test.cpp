// capture() over a scripted process (tests/attach/fake_process.hpp): the races real children cannot be
// made to lose on demand — a thread gone between listing and reading, a short process_vm_readv, a mapping
// unmapped before its bytes are read — and what capture() makes of each, down to the Snapshot's fields.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/syscall.h>

#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "attach/capture.hpp"
#include "attach/wait_memory.hpp"
#include "fake_process.hpp"

using namespace gmr;
using attach::FreezeState;
using attach::WaitStatus;
using test::FakeProcess;

namespace {

constexpr pid_t leader = 100;
constexpr std::uint64_t page = 4096;
constexpr std::uint64_t stack_pages = 16;
constexpr std::uint64_t red_zone = 128;
constexpr std::uint64_t vdso_start = 0x7fff'f000'0000;
constexpr std::uint64_t heap_start = 0x5500'0000'0000;

/// Each thread's stack mapping: 16 pages, its SP in the middle.
std::uint64_t stack_start(pid_t tid) { return 0x7f00'0000'0000 + static_cast<std::uint64_t>(tid) * 0x10'0000; }
std::uint64_t stack_end(pid_t tid) { return stack_start(tid) + stack_pages * page; }
std::uint64_t sp_of(pid_t tid) { return stack_start(tid) + 8 * page; }

std::string maps_line(std::uint64_t start, std::uint64_t end, const char* perms, const char* path) {
  char line[160];
  std::snprintf(line, sizeof line, "%llx-%llx %s 00000000 00:00 0 %s\n", static_cast<unsigned long long>(start),
                static_cast<unsigned long long>(end), perms, path);
  return line;
}

/// A process with the threads `tids` (each stopping at the interrupt, registers with its SP, a stack
/// mapping whose bytes are readable), a heap and a vDSO. Tests then change what they race.
struct Scripted {
  FakeProcess process{leader};
  attach::CaptureOptions options;

  explicit Scripted(std::vector<pid_t> tids) {
    process.task_listings = {tids};
    process.kernel.listings = {tids};
    process.maps += maps_line(heap_start, heap_start + 4 * page, "rw-p", "[heap]");
    process.memory_of.add_region(heap_start, 4 * page);
    for (pid_t tid : tids) {
      attach::ThreadFacts facts;
      facts.tid = tid;
      facts.name = "worker-" + std::to_string(tid);
      facts.state = 'S';
      process.facts[tid] = facts;
      user_regs_struct regs{};
      regs.rsp = sp_of(tid);
      regs.rip = 0x40'1000;
      regs.orig_rax = static_cast<unsigned long long>(-1);  // not in a syscall
      process.kernel.registers_of[tid] = regs;
      process.kernel.stop(tid, WaitStatus::for_event_stop(SIGTRAP));
      process.maps += maps_line(stack_start(tid), stack_end(tid), "rw-p", "");
      process.memory_of.add_region(stack_start(tid), stack_pages * page);
    }
    process.maps += maps_line(vdso_start, vdso_start + 2 * page, "r-xp", "[vdso]");
    process.memory_of.add_region(vdso_start, 2 * page);
  }

  attach::Snapshot capture() {
    auto snapshot = attach::capture(process, options);
    REQUIRE(snapshot);
    return std::move(*snapshot);
  }
};

const attach::ThreadSnapshot* thread_of(const attach::Snapshot& snapshot, pid_t tid) {
  for (const auto& t : snapshot.threads)
    if (t.facts.tid == tid) return &t;
  return nullptr;
}

/// The copy holds what the fake memory holds at its addresses (each byte the low byte of its address).
bool holds_target_bytes(const attach::MemoryCopy& copy) {
  for (std::size_t i = 0; i < copy.bytes.size(); ++i)
    if (copy.bytes[i] != static_cast<std::byte>((copy.start + i) & 0xff)) return false;
  return true;
}

}  // namespace

TEST_SUITE("attach::capture (scripted process)") {
  TEST_CASE("registers, stacks from SP minus the red zone, maps and the vDSO: one memory read, while frozen") {
    Scripted s({leader, 101});
    const attach::Snapshot snap = s.capture();

    REQUIRE(snap.threads.size() == 2);
    for (pid_t tid : {leader, 101}) {
      const attach::ThreadSnapshot* t = thread_of(snap, tid);
      REQUIRE(t != nullptr);
      CHECK(t->freeze == FreezeState::frozen);
      CHECK(t->stop_kind == attach::StopKind::interrupt);
      CHECK(t->facts_before_freeze);
      CHECK(t->facts.state == 'S');
      REQUIRE(t->registers);
      CHECK(t->registers->rsp == sp_of(tid));
      REQUIRE(t->stack);
      CHECK(t->stack->start == sp_of(tid) - red_zone);
      CHECK(t->stack->end() == stack_end(tid));
      CHECK(holds_target_bytes(*t->stack));
      CHECK_FALSE(t->stack_truncated);
      CHECK_FALSE(t->error);
    }
    REQUIRE(snap.vdso);
    CHECK(snap.vdso->start == vdso_start);
    CHECK(snap.vdso->bytes.size() == 2 * page);
    CHECK(snap.maps.size() == 4);
    CHECK(snap.threads[0].facts.tid == leader);
    CHECK(snap.consistent());
    CHECK(snap.threads_vanished == 0);
    CHECK(snap.uid == std::optional<uid_t>(1000));

    CHECK(s.process.kernels_opened == 1);
    CHECK(s.process.memory_of.calls == 1);
    CHECK(s.process.memory_of.calls_after_detach == 0);
    CHECK(s.process.kernel.detached == std::vector<std::pair<pid_t, int>>{{leader, 0}, {101, 0}});
  }

  TEST_CASE("max_stack caps a copy, and says so") {
    Scripted s({leader});
    s.options.max_stack = 1024;
    const attach::Snapshot snap = s.capture();
    REQUIRE(snap.threads[0].stack);
    CHECK(snap.threads[0].stack->bytes.size() == 1024);
    CHECK(snap.threads[0].stack_truncated);
  }

  TEST_CASE("any max_stack, however absurd, copies each stack at most to the end of its mapping") {
    // 2^64-1 (what "-1" became) once wrapped SP + max_stack below SP and the buffer offsets with it.
    Scripted s({leader, 101, 102});
    std::size_t max_stack = 0;
    SUBCASE("2^64-1") { max_stack = std::numeric_limits<std::size_t>::max(); }
    SUBCASE("2^63") { max_stack = std::size_t{1} << 63; }
    SUBCASE("past the end of the address space, to address 8") {
      max_stack = std::numeric_limits<std::size_t>::max() - (sp_of(leader) - red_zone) + 9;
    }
    CAPTURE(max_stack);
    s.options.max_stack = max_stack;
    const attach::Snapshot snap = s.capture();
    REQUIRE(snap.threads.size() == 3);
    for (const auto& t : snap.threads) {
      CAPTURE(t.facts.tid);
      CHECK_FALSE(t.error);
      REQUIRE(t.stack);
      CHECK(t.stack->start == sp_of(t.facts.tid) - red_zone);
      CHECK(t.stack->end() == stack_end(t.facts.tid));
      CHECK(holds_target_bytes(*t.stack));
      CHECK_FALSE(t.stack_truncated);
    }
    REQUIRE(snap.vdso);
    CHECK(snap.vdso->bytes.size() == 2 * page);
  }

  TEST_CASE("max_stack 0 copies nothing of the stacks, and says they were cut") {
    Scripted s({leader});
    s.options.max_stack = 0;
    const attach::Snapshot snap = s.capture();
    CHECK(snap.threads[0].stack_truncated);
    CHECK((!snap.threads[0].stack || snap.threads[0].stack->bytes.empty()));
    CHECK(snap.vdso);
  }

  TEST_CASE("any max_config_bytes, however absurd, reads each known symbol's value whole") {
    // max_bytes + 1 wrapped to 0 for 2^64-1: a char array then read as "size 0", a char pointer as unreadable.
    Scripted s({leader});
    const char text[] = "[DEFAULT]\nkey = value";
    auto& heap = s.process.memory_of.regions.at(heap_start);
    std::memcpy(heap.data() + 64, text, sizeof text);
    const std::uint64_t pointer = heap_start + 64;
    std::memcpy(heap.data() + 512, &pointer, sizeof pointer);
    attach::SymbolRead array;
    array.name = "gmr_config";
    array.address = heap_start + 64;
    array.layout = attach::ValueLayout::char_array;
    array.size = 64;
    attach::SymbolRead char_pointer = array;
    char_pointer.name = "gmr_section_Pointer";
    char_pointer.address = heap_start + 512;
    char_pointer.layout = attach::ValueLayout::char_pointer;
    char_pointer.size = 8;
    s.options.symbols = {array, char_pointer};
    std::size_t max_bytes = 0;
    SUBCASE("2^64-1") { max_bytes = std::numeric_limits<std::size_t>::max(); }
    SUBCASE("2^64-5") { max_bytes = std::numeric_limits<std::size_t>::max() - 4; }
    CAPTURE(max_bytes);
    s.options.max_config_bytes = max_bytes;
    const attach::Snapshot snap = s.capture();
    REQUIRE(snap.symbols.size() == 2);
    for (const auto& value : snap.symbols) {
      CAPTURE(value.symbol.name);
      CHECK_FALSE(value.error);
      CHECK(value.text == std::optional<std::string>("[DEFAULT]\nkey = value"));
      CHECK_FALSE(value.truncated);
    }
  }

  TEST_CASE("a thread that vanishes between listing and reading is left out, and counted in a note") {
    Scripted s({leader, 101});
    s.process.facts.erase(101);  // its /proc files are gone by the time they are read

    SUBCASE("gone before it could be seized") {
      s.process.kernel.seize_errors[101] = ESRCH;
      s.process.kernel.events.pop_back();  // so it never stops
    }
    SUBCASE("gone while being frozen") {
      s.process.kernel.events.pop_back();
      s.process.kernel.stop(101, WaitStatus::for_exit(0));
    }
    SUBCASE("killed by a signal while being frozen") {
      s.process.kernel.events.pop_back();
      s.process.kernel.stop(101, WaitStatus::for_fatal_signal(SIGKILL));
    }
    const attach::Snapshot snap = s.capture();
    REQUIRE(snap.threads.size() == 1);
    CHECK(snap.threads[0].facts.tid == leader);
    REQUIRE(snap.threads[0].stack);
    CHECK(snap.threads_vanished == 1);
    CHECK(s.process.kernel.detached == std::vector<std::pair<pid_t, int>>{{leader, 0}});
    CHECK(s.process.memory_of.calls == 1);
  }

  TEST_CASE("a thread killed while frozen: its registers cannot be read, so it has an error and no stack") {
    Scripted s({leader, 101});
    s.process.kernel.registers_lost.insert(101);
    const attach::Snapshot snap = s.capture();
    const attach::ThreadSnapshot* t = thread_of(snap, 101);
    REQUIRE(t != nullptr);
    CHECK(t->freeze == FreezeState::frozen);
    CHECK_FALSE(t->registers);
    CHECK_FALSE(t->stack);
    REQUIRE(t->error);
    CHECK(t->error->kind == attach::ThreadCopyError::Kind::no_registers);
    CHECK(thread_of(snap, leader)->stack);
  }

  TEST_CASE("a short process_vm_readv: a stack's unreadable tail is cut, and the rest of the batch is still read") {
    Scripted s({leader, 101});
    // Only one page above the leader's SP is still readable; its mapping says eight.
    s.process.memory_of.regions.erase(stack_start(leader));
    s.process.memory_of.add_region(stack_start(leader), 9 * page);
    const attach::Snapshot snap = s.capture();

    const attach::ThreadSnapshot* cut = thread_of(snap, leader);
    REQUIRE(cut->stack);
    CHECK(cut->stack->start == sp_of(leader) - red_zone);
    CHECK(cut->stack->bytes.size() == page + red_zone);
    CHECK(holds_target_bytes(*cut->stack));
    CHECK_FALSE(cut->error);
    const attach::ThreadSnapshot* whole = thread_of(snap, 101);
    REQUIRE(whole->stack);
    CHECK(whole->stack->end() == stack_end(101));
    REQUIRE(snap.vdso);
    CHECK(snap.vdso->bytes.size() == 2 * page);
    // The kernel stops at the first unreadable byte: one more call for the ranges after the cut.
    CHECK(s.process.memory_of.calls == 2);
    CHECK(s.process.memory_of.calls_after_detach == 0);
  }

  TEST_CASE("a mapping unmapped before its bytes are read: that stack is an error, everything else is copied") {
    Scripted s({leader, 101});
    s.process.memory_of.regions.erase(stack_start(101));  // still in the maps text, gone from memory
    const attach::Snapshot snap = s.capture();

    const attach::ThreadSnapshot* lost = thread_of(snap, 101);
    REQUIRE(lost != nullptr);
    CHECK(lost->freeze == FreezeState::frozen);
    CHECK(lost->registers);
    CHECK_FALSE(lost->stack);
    REQUIRE(lost->error);
    CHECK(lost->error->kind == attach::ThreadCopyError::Kind::stack_unreadable);
    CHECK(lost->error->errno_value == std::optional<int>(EFAULT));
    CHECK(thread_of(snap, leader)->stack);
    CHECK(snap.vdso);
    CHECK(snap.maps.size() == 4);
  }

  TEST_CASE("a stack pointer in no mapping: nothing is requested for it") {
    Scripted s({leader});
    s.process.kernel.registers_of[leader].rsp = 0x1000;
    const attach::Snapshot snap = s.capture();
    CHECK_FALSE(snap.threads[0].stack);
    REQUIRE(snap.threads[0].error);
    CHECK(snap.threads[0].error->kind == attach::ThreadCopyError::Kind::stack_not_captured);
    CHECK(snap.threads[0].error->address == std::optional<std::uint64_t>(0x1000));
    CHECK(snap.vdso);
    CHECK(s.process.memory_of.calls == 1);
  }

  TEST_CASE("stacks are copied in chunks while the registers of later threads are read, every copy exact") {
    std::vector<pid_t> tids;
    for (pid_t tid = leader; tid < leader + 200; ++tid) tids.push_back(tid);
    Scripted s(tids);
    const attach::Snapshot snap = s.capture();
    REQUIRE(snap.threads.size() == 200);
    for (const auto& t : snap.threads) {
      CAPTURE(t.facts.tid);
      REQUIRE(t.stack);
      CHECK(t.stack->start == sp_of(t.facts.tid) - red_zone);
      CHECK(t.stack->end() == stack_end(t.facts.tid));
      CHECK(holds_target_bytes(*t.stack));
      CHECK_FALSE(t.error);
    }
    REQUIRE(snap.vdso);
    CHECK(snap.vdso->bytes.size() == 2 * page);
    // Three chunks of 64 threads handed over while registers were read, then the last 8 and the vDSO.
    CHECK(s.process.memory_of.calls == 4);
    CHECK(s.process.memory_of.calls_after_detach == 0);
  }

  TEST_CASE("a stack mapping grown since the maps read before the freeze: copied again, to its frozen end") {
    Scripted s({leader, 101});
    const std::string frozen_maps = s.process.maps;
    std::string early = frozen_maps;
    const std::string line = maps_line(stack_start(101), stack_end(101), "rw-p", "");
    early.replace(early.find(line), line.size(), maps_line(stack_start(101), stack_end(101) - 4 * page, "rw-p", ""));
    s.process.maps_listings = {early, frozen_maps};
    const attach::Snapshot snap = s.capture();

    const attach::ThreadSnapshot* grown = thread_of(snap, 101);
    REQUIRE(grown->stack);
    CHECK(grown->stack->start == sp_of(101) - red_zone);
    CHECK(grown->stack->end() == stack_end(101));
    CHECK(holds_target_bytes(*grown->stack));
    CHECK_FALSE(grown->stack_truncated);
    REQUIRE(thread_of(snap, leader)->stack);
    CHECK(thread_of(snap, leader)->stack->end() == stack_end(leader));
    CHECK(snap.maps.size() == 4);  // the frozen maps
    CHECK(s.process.memory_of.calls == 2);  // the pipelined batch, then the one stack again
    CHECK(s.process.memory_of.calls_after_detach == 0);
  }

  TEST_CASE("a stack and the vDSO missing from the maps read before the freeze: copied from the frozen maps") {
    Scripted s({leader, 101});
    const std::string frozen_maps = s.process.maps;
    std::string early = frozen_maps;
    for (const std::string& line : {maps_line(stack_start(101), stack_end(101), "rw-p", ""),
                                   maps_line(vdso_start, vdso_start + 2 * page, "r-xp", "[vdso]")})
      early.erase(early.find(line), line.size());
    s.process.maps_listings = {early, frozen_maps};
    const attach::Snapshot snap = s.capture();

    const attach::ThreadSnapshot* late = thread_of(snap, 101);
    REQUIRE(late->stack);
    CHECK(late->stack->start == sp_of(101) - red_zone);
    CHECK(late->stack->end() == stack_end(101));
    CHECK(holds_target_bytes(*late->stack));
    CHECK_FALSE(late->error);
    REQUIRE(snap.vdso);
    CHECK(snap.vdso->start == vdso_start);
    CHECK(snap.vdso->bytes.size() == 2 * page);
    CHECK(s.process.memory_of.calls == 2);
  }

  TEST_CASE("a stack mapping gone from the frozen maps: not captured, though the early maps had it") {
    Scripted s({leader, 101});
    std::string frozen_maps = s.process.maps;
    const std::string line = maps_line(stack_start(101), stack_end(101), "rw-p", "");
    frozen_maps.erase(frozen_maps.find(line), line.size());
    s.process.maps_listings = {s.process.maps, frozen_maps};
    const attach::Snapshot snap = s.capture();

    const attach::ThreadSnapshot* gone = thread_of(snap, 101);
    CHECK_FALSE(gone->stack);
    REQUIRE(gone->error);
    CHECK(gone->error->kind == attach::ThreadCopyError::Kind::stack_not_captured);
    CHECK(gone->error->address == std::optional<std::uint64_t>(sp_of(101)));
    CHECK(thread_of(snap, leader)->stack);
    CHECK(snap.vdso);
    CHECK(s.process.memory_of.calls == 1);
  }

  TEST_CASE("a thread born during the freeze has its facts read after it, with a note") {
    Scripted s({leader, 101});
    s.process.task_listings = {{leader}};  // /proc before the freeze; the freezer's rescan finds 101
    s.process.facts[101].state = 'R';
    const attach::Snapshot snap = s.capture();
    const attach::ThreadSnapshot* born = thread_of(snap, 101);
    REQUIRE(born != nullptr);
    CHECK_FALSE(born->facts_before_freeze);
    CHECK(born->facts.state == 'R');
    CHECK(born->stack);
    CHECK(thread_of(snap, leader)->facts_before_freeze);
    CHECK(s.process.facts_read == std::vector<pid_t>{leader, 101});
  }

  TEST_CASE("a thread that does not stop by the deadline: not frozen, nothing copied, never detached") {
    Scripted s({leader, 101});
    s.process.kernel.events.pop_back();
    const attach::Snapshot snap = s.capture();
    const attach::ThreadSnapshot* running = thread_of(snap, 101);
    REQUIRE(running != nullptr);
    CHECK(running->freeze == FreezeState::not_frozen);
    CHECK_FALSE(running->registers);
    CHECK_FALSE(running->stack);
    CHECK(running->facts.state == 'S');  // read before the freeze
    CHECK_FALSE(snap.consistent());
    CHECK(snap.freeze_timeout == std::chrono::milliseconds(3000));
    CHECK(s.process.kernel.detached == std::vector<std::pair<pid_t, int>>{{leader, 0}});
  }

  TEST_CASE("threads are sorted leader first, then by tid, a group-stopped process is marked") {
    Scripted s({50, leader, 150});
    s.process.kernel.events.clear();
    for (pid_t tid : {50, leader, 150}) s.process.kernel.stop(tid, WaitStatus::for_event_stop(SIGSTOP));
    const attach::Snapshot snap = s.capture();
    REQUIRE(snap.threads.size() == 3);
    CHECK(snap.threads[0].facts.tid == leader);
    CHECK(snap.threads[1].facts.tid == 50);
    CHECK(snap.threads[2].facts.tid == 150);
    CHECK(snap.was_group_stopped);
    CHECK(snap.threads[0].stop_kind == attach::StopKind::group_stop);
  }

  TEST_CASE("known symbols are read while frozen, through the process's memory") {
    Scripted s({leader});
    constexpr std::uint64_t config = heap_start + 64;
    const char text[] = "[DEFAULT]\nkey = value";
    std::memcpy(s.process.memory_of.regions.at(heap_start).data() + 64, text, sizeof text);
    attach::SymbolRead symbol;
    symbol.name = "gmr_config";
    symbol.address = config;
    symbol.layout = attach::ValueLayout::char_array;
    symbol.size = 64;
    s.options.symbols = {symbol};
    const attach::Snapshot snap = s.capture();
    REQUIRE(snap.symbols.size() == 1);
    CHECK(snap.symbols[0].text == std::optional<std::string>("[DEFAULT]\nkey = value"));
    CHECK(s.process.memory_of.calls == 2);  // the batch, then the symbol
    CHECK(s.process.memory_of.calls_after_detach == 0);
  }

  TEST_CASE("blocked threads: futex words copied in the same batch, fd targets read after the freeze") {
    Scripted s({leader, 101});
    auto& waiter = s.process.kernel.registers_of[leader];
    waiter.orig_rax = SYS_futex;
    waiter.rdi = heap_start + 256;
    waiter.rdx = 2;
    auto& reader = s.process.kernel.registers_of[101];
    reader.orig_rax = SYS_read;
    reader.rdi = 7;
    s.process.fds[7] = "pipe:[4242]";
    const attach::Snapshot snap = s.capture();

    const attach::ThreadSnapshot* t = thread_of(snap, leader);
    REQUIRE(t->syscall_memory);
    CHECK(t->syscall_memory->start == heap_start + 256);
    CHECK(t->syscall_memory->bytes.size() == attach::futex_words_size);
    CHECK(holds_target_bytes(*t->syscall_memory));
    CHECK(s.process.memory_of.calls == 1);
    REQUIRE(snap.fd_targets.size() == 1);
    CHECK(snap.fd_targets[0].fd == 7);
    CHECK(snap.fd_targets[0].target == std::optional<std::string>("pipe:[4242]"));
  }

  TEST_CASE("glibc's endless PI wait: a second batch, still while frozen, copies the words pointers lead to") {
    Scripted s({leader});
    auto& regs = s.process.kernel.registers_of[leader];
    regs.orig_rax = SYS_futex;
    regs.rdi = sp_of(leader) + 64;  // a word of its own stack, waited on for 0
    regs.rdx = 0;
    regs.rbx = heap_start + 512;    // the mutex, still in a callee-saved register
    const attach::Snapshot snap = s.capture();

    const attach::ThreadSnapshot& t = snap.threads[0];
    REQUIRE(t.pointed_words.size() == 1);
    CHECK(t.pointed_words[0].start == heap_start + 512 - attach::pointed_words_before);
    CHECK(holds_target_bytes(t.pointed_words[0]));
    CHECK(s.process.memory_of.calls == 2);
    CHECK(s.process.memory_of.calls_after_detach == 0);
  }

  TEST_CASE("EPERM on seize: capture fails with the process's explanation, having opened one kernel") {
    Scripted s({leader});
    s.process.kernel.seize_errors[leader] = EPERM;
    s.process.kernel.liveness_of[leader] = {true, 'S', 0};
    auto snap = attach::capture(s.process, s.options);
    REQUIRE_FALSE(snap);
    CHECK(snap.error().kind == attach::AttachErrorKind::permission_denied);
    CHECK(snap.error().message == "permission denied (scripted)");
    CHECK(s.process.memory_of.calls == 0);
  }
  TEST_CASE("the frozen-time step runs before any thread is let go, the pages it read go into the snapshot") {
    Scripted s({leader, 101});
    std::vector<pid_t> seen;
    std::size_t detached_during_step = 99;
    std::vector<std::size_t> got;
    s.options.while_frozen = [&](const attach::MemorySource& memory, std::span<const attach::FrozenThread> threads) {
      detached_during_step = s.process.kernel.detached.size();
      for (const auto& t : threads) {
        seen.push_back(t.tid);
        CHECK(t.registers->rsp == sp_of(t.tid));
      }
      std::vector<std::byte> out(2 * page);
      got.push_back(memory.read(heap_start + 100, std::span(out).first(8)));
      got.push_back(memory.read(heap_start + 2 * page - 8, out));    // pages 1 and 2, then 3 on: cut at the heap's end
      got.push_back(memory.read(heap_start + 3 * page + 16, out));
      got.push_back(memory.read(0x1000, std::span(out).first(8)));    // nothing there
    };
    const attach::Snapshot snap = s.capture();
    CHECK(detached_during_step == 0);
    CHECK(seen == std::vector<pid_t>{leader, 101});
    CHECK(got == std::vector<std::size_t>{8, 2 * page, page - 16, 0});
    REQUIRE(snap.interpreter_memory.size() == 1);
    CHECK(snap.interpreter_memory[0].start == heap_start);
    CHECK(snap.interpreter_memory[0].bytes.size() == 4 * page);
    CHECK(holds_target_bytes(snap.interpreter_memory[0]));
    REQUIRE(snap.frozen_step);
    CHECK(snap.frozen_step->pages == 4);
    CHECK(snap.frozen_step->unreadable_pages == 2);  // the page after the heap, and 0x1000
    CHECK_FALSE(snap.frozen_step->budget_hit);
    CHECK_FALSE(snap.frozen_step->error);
    CHECK(snap.frozen_step->duration.count() > 0);
    CHECK(s.process.memory_of.calls_after_detach == 0);
  }

  TEST_CASE("the frozen-time step's budget and its failure are in the snapshot, the target is let go all the same") {
    Scripted s({leader});
    s.options.while_frozen_max_bytes = 2 * page;
    s.options.while_frozen = [&](const attach::MemorySource& memory, std::span<const attach::FrozenThread>) {
      std::vector<std::byte> out(4 * page);
      CHECK(memory.read(heap_start, out) == 2 * page);
      throw std::runtime_error("walker gave up");
    };
    const attach::Snapshot snap = s.capture();
    REQUIRE(snap.frozen_step);
    CHECK(snap.frozen_step->budget_hit);
    CHECK(snap.frozen_step->budget == 2 * page);
    CHECK(snap.frozen_step->error == std::optional<std::string>("walker gave up"));
    CHECK(snap.interpreter_memory.size() == 1);
    CHECK(s.process.kernel.detached.size() == 1);
  }

  TEST_CASE("no frozen-time step: no interpreter memory, no stats") {
    Scripted s({leader});
    const attach::Snapshot snap = s.capture();
    CHECK(snap.interpreter_memory.empty());
    CHECK_FALSE(snap.frozen_step);
  }
}
