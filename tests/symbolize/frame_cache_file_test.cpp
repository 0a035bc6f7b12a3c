// The frame-cache file format (symbolize/frame_cache_file.hpp): what encode() writes decodes to the same
// contents, and every damaged, truncated or foreign file is refused whole.
#include <doctest/doctest.h>

#include "symbolize/frame_cache_file.hpp"

namespace {

using namespace gmr::symbolize;

CachedFrame frame(std::optional<std::string> function, std::optional<std::uint64_t> offset, std::optional<std::string> file,
                  std::optional<int> line, std::optional<int> column, std::optional<std::string> source_path,
                  bool inlined = false) {
  CachedFrame f;
  f.inlined = inlined;
  f.function = std::move(function);
  f.function_offset = offset;
  f.file = std::move(file);
  f.line = line;
  f.column = column;
  f.source_path = std::move(source_path);
  return f;
}

CacheFileContents sample() {
  CacheFileContents contents;
  contents.identity = {"1.2.3", "93ac61ec5a8eb1396f9fbd350e3169a558528a40", "/usr/lib/debug/x.debug 10 1.5 7;"};
  const CachedFrame inlined = frame("std::vector<int>::push_back", std::nullopt, "/usr/include/c++/12/bits/stl_vector.h",
                                    1287, 9, "/usr/include/c++/12/bits/stl_vector.h", true);
  const CachedFrame outer = frame("worker", 0x2a, "demo.cpp", 40, 3, "/src/demo.cpp");
  contents.pcs[{0x1234, false}] = {{inlined, outer}, false};
  contents.pcs[{0x1234, true}] = {{frame("__futex_abstimed_wait_common", 0x53, std::nullopt, std::nullopt, std::nullopt, std::nullopt)}, true};
  contents.pcs[{0x99, false}] = {{CachedFrame{}}, false};  // nothing known but the module
  return contents;
}

}  // namespace

TEST_SUITE("symbolize::frame_cache_file") {

TEST_CASE("a file decodes to what was encoded") {
  const CacheFileContents contents = sample();
  const auto decoded = decode_cache_file(encode_cache_file(contents), contents.identity);
  REQUIRE(decoded);
  CHECK(decoded->identity == contents.identity);
  CHECK(decoded->pcs == contents.pcs);
}

TEST_CASE("another gmr version, build id or set of debug files is refused") {
  const CacheFileContents contents = sample();
  const std::string bytes = encode_cache_file(contents);
  for (auto change : {+[](CacheFileIdentity& i) { i.gmr_version += "1"; }, +[](CacheFileIdentity& i) { i.build_id[0] = 'f'; },
                      +[](CacheFileIdentity& i) { i.debug_files.clear(); }}) {
    CacheFileIdentity other = contents.identity;
    change(other);
    CHECK(!decode_cache_file(bytes, other));
  }
}

TEST_CASE("every truncation and every flipped byte is refused") {
  const CacheFileContents contents = sample();
  const std::string bytes = encode_cache_file(contents);
  for (std::size_t size = 0; size < bytes.size(); ++size) CHECK(!decode_cache_file(bytes.substr(0, size), contents.identity));
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x01);
    CHECK(!decode_cache_file(damaged, contents.identity));
  }
  CHECK(!decode_cache_file(bytes + "x", contents.identity));
}

}  // TEST_SUITE
