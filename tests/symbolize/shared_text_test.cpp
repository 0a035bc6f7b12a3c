// SharedText (one copy of a text for all its holders) and TextPool (equal texts made one).
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "symbolize/shared_text.hpp"
#include "symbolize/text_pool.hpp"

using gmr::symbolize::SharedText;
using gmr::symbolize::TextPool;

TEST_SUITE("symbolize::shared_text") {

TEST_CASE("reads like an optional string: absent, present, compared with strings and nullopt") {
  const SharedText absent;
  CHECK_FALSE(absent.has_value());
  CHECK_FALSE(absent);
  CHECK(absent == std::nullopt);
  CHECK(absent == std::optional<std::string>());
  CHECK_FALSE(absent == "");
  CHECK(absent.value_or("??") == "??");
  CHECK_THROWS_AS((void)absent.value(), std::bad_optional_access);

  const SharedText text = std::string("libc.so.6");
  REQUIRE(text);
  CHECK(*text == "libc.so.6");
  CHECK(text->size() == 9);
  CHECK(text == "libc.so.6");
  CHECK(text == std::string("libc.so.6"));
  CHECK(text == std::optional<std::string>("libc.so.6"));
  CHECK_FALSE(text == "libc");
  CHECK_FALSE(text == std::nullopt);
  CHECK(text.optional() == std::optional<std::string>("libc.so.6"));
  CHECK(SharedText(std::optional<std::string>()) == std::nullopt);
  CHECK(SharedText("") == "");  // empty is not absent
}

TEST_CASE("copies share the bytes, equal texts made apart are equal but not shared") {
  const SharedText a = std::string("/usr/lib/x86_64-linux-gnu/libc.so.6");
  const SharedText copy = a;
  CHECK(copy.shares_with(a));
  CHECK(&*copy == &*a);
  const SharedText apart = std::string("/usr/lib/x86_64-linux-gnu/libc.so.6");
  CHECK(apart == a);
  CHECK_FALSE(apart.shares_with(a));

  SharedText moved = copy;
  SharedText target = std::move(moved);
  CHECK(target.shares_with(a));
  CHECK_FALSE(moved.has_value());  // NOLINT: a moved-from SharedText is absent
  target.reset();
  CHECK_FALSE(target);
  CHECK(*a == "/usr/lib/x86_64-linux-gnu/libc.so.6");  // the others still hold it
}

TEST_CASE("the last holder frees the text, from whichever thread it is on") {
  // Under AddressSanitizer a leak or a double free here fails the run.
  std::vector<SharedText> copies(64, SharedText(std::string(100, 'x')));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([mine = std::vector<SharedText>(copies)]() mutable {
      for (auto& copy : mine) copy = SharedText(*copy);
    });
  copies.clear();
  for (auto& thread : threads) thread.join();
}

TEST_CASE("a pool gives equal texts the same bytes, and keeps absent absent") {
  TextPool pool;
  const std::string function = "worker_loop(int, std::vector<int, std::allocator<int> > const&)";
  const SharedText first = pool.intern(function);
  const SharedText second = pool.intern(std::string(function));
  const SharedText third = pool.intern(SharedText(function));
  CHECK(first == function);
  CHECK(second.shares_with(first));
  CHECK(third.shares_with(first));
  CHECK(pool.size() == 1);

  const SharedText other = pool.intern("main");
  CHECK_FALSE(other.shares_with(first));
  CHECK(pool.size() == 2);
  CHECK_FALSE(pool.intern(std::optional<std::string>()).has_value());
  CHECK_FALSE(pool.intern(SharedText()).has_value());
  CHECK(pool.size() == 2);
}

}  // TEST_SUITE
