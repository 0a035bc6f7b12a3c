// AddressNamer on hand-made snapshots: where a data address is said to be. A mapping is "the stack of
// thread N" only when it holds that one thread's stack pointer: Go and other runtimes run many threads on
// stacks carved out of one big anonymous mapping, and an address there is no particular thread's stack.
#include <doctest/doctest.h>

#include "symbolize/address_names.hpp"

namespace {

using namespace gmr;
using Kind = symbolize::AddressName::Kind;

attach::Mapping anonymous(std::uint64_t start, std::uint64_t end, std::string path = "") {
  attach::Mapping m;
  m.start = start;
  m.end = end;
  m.perms = "rw-p";
  m.path = std::move(path);
  return m;
}

attach::ThreadSnapshot frozen_at(pid_t tid, std::uint64_t sp) {
  attach::ThreadSnapshot t;
  t.facts.tid = tid;
  t.freeze = attach::FreezeState::frozen;
  t.registers = user_regs_struct{};
  t.registers->rsp = sp;
  return t;
}

}  // namespace

TEST_SUITE("symbolize::address_names") {

TEST_CASE("a mapping holding one thread's stack pointer is that thread's stack") {
  attach::Snapshot snapshot;
  snapshot.maps = std::vector<attach::Mapping>{anonymous(0x7f0000000000, 0x7f0000800000),
                                               anonymous(0x7ffc00000000, 0x7ffc00021000, "[stack]")};
  snapshot.threads = {frozen_at(100, 0x7ffc00020000), frozen_at(101, 0x7f00007ff000)};
  symbolize::AddressNamer names(nullptr, snapshot);
  CHECK(names.name(0x7ffc00020100) == symbolize::AddressName{.kind = Kind::stack, .tid = 100});
  CHECK(names.name(0x7f0000001000) == symbolize::AddressName{.kind = Kind::stack, .tid = 101});
}

TEST_CASE("a mapping holding several threads' stack pointers is nobody's stack (a Go-like heap)") {
  attach::Snapshot snapshot;
  snapshot.maps = std::vector<attach::Mapping>{anonymous(0xc000000000, 0xc004000000),
                                               anonymous(0x7ffc00000000, 0x7ffc00021000, "[stack]")};
  snapshot.threads = {frozen_at(100, 0x7ffc00020000), frozen_at(101, 0xc000100800), frozen_at(102, 0xc000300800),
                      frozen_at(103, 0xc001000800)};
  symbolize::AddressNamer names(nullptr, snapshot);
  for (std::uint64_t address : {0xc000000040ULL, 0xc000100900ULL, 0xc000300000ULL, 0xc003ffff00ULL}) {
    INFO("address ", address);
    CHECK(names.name(address) == symbolize::AddressName{.kind = Kind::heap});
  }
  CHECK(names.name(0x7ffc00020100) == symbolize::AddressName{.kind = Kind::stack, .tid = 100});
}

TEST_CASE("a shared file-backed mapping keeps its file name") {
  attach::Snapshot snapshot;
  snapshot.maps = std::vector<attach::Mapping>{anonymous(0x10000000, 0x10100000, "/dev/shm/arena")};
  snapshot.threads = {frozen_at(100, 0x10000800), frozen_at(101, 0x10080800)};
  symbolize::AddressNamer names(nullptr, snapshot);
  CHECK(names.name(0x10000100) == symbolize::AddressName{.kind = Kind::mapping, .mapping = "/dev/shm/arena"});
}

}  // TEST_SUITE
