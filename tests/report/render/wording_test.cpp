// The English of the model's kinds: signal names and named addresses as the text report and the JSON
// "object" show them. (Thread errors, stops and notes: tests/report/render/json_renderer_test.cpp.)
#include <doctest/doctest.h>

#include <csignal>

#include "report/render/wording.hpp"

namespace {

using namespace gmr;
using Kind = symbolize::AddressName::Kind;

}  // namespace

TEST_SUITE("report::wording") {
  TEST_CASE("signals are named SIGxxx, real-time ones relative to SIGRTMIN") {
    CHECK(report::signal_name(SIGUSR1) == "SIGUSR1");
    CHECK(report::signal_name(SIGTERM) == "SIGTERM");
    CHECK(report::signal_name(SIGRTMIN) == "SIGRTMIN");
    CHECK(report::signal_name(SIGRTMIN + 3) == "SIGRTMIN+3");
    CHECK(report::signal_name(SIGRTMAX) == "SIGRTMAX");
  }

  TEST_CASE("an address is named by its symbol (with the offset into it), else by its mapping, else bare") {
    const std::uint64_t at = 0x55d0c41b0010;
    CHECK(report::address_name_text(at, {.kind = Kind::symbol, .symbol = "app::lock_a", .offset = 0}) == "app::lock_a");
    CHECK(report::address_name_text(at, {.kind = Kind::symbol, .symbol = "app::registry", .offset = 0x10}) ==
          "app::registry+0x10");
    CHECK(report::address_name_text(at, {.kind = Kind::stack, .tid = 42}) == "stack of thread 42 0x55d0c41b0010");
    CHECK(report::address_name_text(at, {.kind = Kind::heap, .mapping = "[heap]"}) == "heap 0x55d0c41b0010");
    CHECK(report::address_name_text(at, {.kind = Kind::heap}) == "heap 0x55d0c41b0010");
    CHECK(report::address_name_text(at, {.kind = Kind::mapping, .mapping = "/usr/lib/x86_64-linux-gnu/libfoo.so.1"}) ==
          "libfoo.so.1 0x55d0c41b0010");
    CHECK(report::address_name_text(at, {.kind = Kind::mapping, .mapping = "[vvar]"}) == "[vvar] 0x55d0c41b0010");
    CHECK(report::address_name_text(at, {.kind = Kind::unknown}) == "0x55d0c41b0010");
  }
}
