// Maps and find_range: the address look-up over sorted ranges, at every edge of a range.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "attach/base/maps.hpp"
#include "attach/proc_read.hpp"

namespace {

using gmr::attach::find_range;
using gmr::attach::Mapping;
using gmr::attach::Maps;

Mapping mapping(std::uint64_t start, std::uint64_t end, const char* path) {
  Mapping m;
  m.start = start;
  m.end = end;
  m.perms = "r--p";
  m.path = path;
  return m;
}

struct Span {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
};

}  // namespace

TEST_SUITE("attach::base::maps") {
  TEST_CASE("find: the mapping holding an address, from its first byte to its last, never its end") {
    // Given out of order, with a gap between b and c.
    const Maps maps(std::vector<Mapping>{mapping(0x5000, 0x6000, "c"), mapping(0x1000, 0x2000, "a"),
                                         mapping(0x2000, 0x3000, "b")});
    REQUIRE(maps.size() == 3);
    std::vector<std::uint64_t> starts;
    for (const Mapping& m : maps) starts.push_back(m.start);
    CHECK(starts == std::vector<std::uint64_t>{0x1000, 0x2000, 0x5000});

    CHECK(maps.find(0) == nullptr);
    CHECK(maps.find(0xfff) == nullptr);
    REQUIRE(maps.find(0x1000) != nullptr);
    CHECK(maps.find(0x1000)->path == "a");
    CHECK(maps.find(0x1fff)->path == "a");
    CHECK(maps.find(0x2000)->path == "b");  // adjacent: the end of one is the start of the next
    CHECK(maps.find(0x2fff)->path == "b");
    CHECK(maps.find(0x3000) == nullptr);    // in the gap
    CHECK(maps.find(0x4fff) == nullptr);
    CHECK(maps.find(0x5800)->path == "c");
    CHECK(maps.find(0x6000) == nullptr);    // past the last
    CHECK(maps.find(UINT64_MAX) == nullptr);
  }

  TEST_CASE("empty maps hold nothing, insert keeps the order") {
    Maps maps;
    CHECK(maps.empty());
    CHECK(maps.find(0x1000) == nullptr);
    maps.insert(mapping(0x3000, 0x4000, "late"));
    maps.insert(mapping(0x1000, 0x2000, "early"));
    maps.insert(mapping(0x2000, 0x3000, "middle"));
    std::vector<std::string> order;
    for (const Mapping& m : maps) order.push_back(m.path);
    CHECK(order == std::vector<std::string>{"early", "middle", "late"});
    CHECK(maps.find(0x2800)->path == "middle");
  }

  TEST_CASE("find_range over any sorted ranges: only the last one starting at or below the address counts") {
    const std::vector<Span> spans = {{0x10, 0x100}, {0x20, 0x30}};  // the second starts inside the first
    CHECK(find_range(spans, 0x0f) == nullptr);
    CHECK(find_range(spans, 0x10) == &spans[0]);
    CHECK(find_range(spans, 0x25) == &spans[1]);
    CHECK(find_range(spans, 0x40) == nullptr);  // inside the first, but the second is the candidate
    CHECK(find_range(std::vector<Span>{}, 0x10) == nullptr);
  }

  TEST_CASE("this process's own maps: the stack, the code and a heap object are found where they are") {
    const Maps maps = gmr::attach::read_maps(getpid());
    REQUIRE(!maps.empty());
    int on_stack = 0;
    const Mapping* stack = maps.find(reinterpret_cast<std::uintptr_t>(&on_stack));
    REQUIRE(stack != nullptr);
    CHECK(stack->writable());
    const Mapping* code = maps.find(reinterpret_cast<std::uintptr_t>(&find_range<std::vector<Span>>));
    REQUIRE(code != nullptr);
    CHECK(code->executable());
    CHECK(code->file_backed());
    const auto heap = std::make_unique<std::uint64_t>(42);
    const Mapping* holder = maps.find(reinterpret_cast<std::uintptr_t>(heap.get()));
    REQUIRE(holder != nullptr);
    CHECK(holder->writable());
  }
}
