// The persistent frame cache (symbolize/frame_cache.hpp) on real captures: whatever state the cache is in
// — none, cold, warm, corrupt, on a full disk, under a read-only home — the report of one frozen state of a
// fixture is the same text; and a warm cache spares the DWARF of the modules it holds (counted where libdw
// asks libelf to inflate a compressed debug section, not timed).
#include <doctest/doctest.h>

#include <sys/mount.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "report/build/report_builder.hpp"
#include "report/render/render.hpp"
#include "support/elf_decompressions.hpp"
#include "support/process.hpp"
#include "support/report_view.hpp"
#include "support/temp_dir.hpp"
#include "symbolize/frame_cache.hpp"
#include "symbolize/frame_resolver.hpp"

namespace {

using namespace gmr;
namespace fs = std::filesystem;

// The text report of `snapshot` built with the cache in `cache_dir` (none: --no-cache). Every field of
// the text describes the snapshot, none the build, so the same snapshot must give the same bytes.
std::string text_report(const attach::Snapshot& snapshot, std::optional<std::string> cache_dir) {
  report::BuildOptions options;
  options.cache_dir = std::move(cache_dir);
  std::ostringstream out;
  report::render(report::build_report(snapshot, options), report::OutputFormat::text, {}, out);
  return out.str();
}

std::vector<fs::path> cache_files(const fs::path& cache_dir) {
  std::vector<fs::path> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(cache_dir / "frames-v1", error)) files.push_back(entry.path());
  return files;
}

// A tmpfs of `size` mounted on `where` (root only), unmounted by the destructor.
struct TinyTmpfs {
  explicit TinyTmpfs(const fs::path& where, bool read_only = false, const std::string& size = "16k") : path(where) {
    fs::create_directories(where);
    const std::string options = "size=" + size + ",mode=0755";
    mounted = ::mount("tmpfs", where.c_str(), "tmpfs", read_only ? MS_RDONLY : 0, options.c_str()) == 0;
  }
  ~TinyTmpfs() {
    if (mounted) ::umount2(path.c_str(), MNT_DETACH);
  }
  void remount_read_only() {
    mounted = mounted && ::mount("tmpfs", path.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0;
  }
  fs::path path;
  bool mounted = false;
};

// Fills the file system holding `dir` until a write fails (ENOSPC).
void fill(const fs::path& dir) {
  std::ofstream out(dir / "filler", std::ios::binary);
  const std::string block(512, 'x');
  for (int i = 0; i < 4096 && out; ++i) out.write(block.data(), static_cast<std::streamsize>(block.size())) << std::flush;
}

struct ScopedEnv {
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value->c_str(), 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_SUITE("report::frame_cache") {

TEST_CASE("no cache, cold, warm and corrupt caches give the same report, and a warm one inflates no DWARF") {
  test::Fixture fixture("fixture_threads_cpp");
  const attach::Snapshot snapshot = test::capture_or_throw(fixture.pid());
  const test::TempDir dir("frame-cache");
  const std::string cache = (dir.path / "gmr").string();

  const std::size_t inflated_before = test::elf_decompressions();
  const std::string baseline = text_report(snapshot, std::nullopt);
  REQUIRE_MESSAGE(test::elf_decompressions() > inflated_before,
                  "the fixture's libc frames must need libc6-dbg's compressed DWARF (.ci/packages)");
  REQUIRE(baseline.find("pthread_cond_wait") != std::string::npos);

  const std::size_t lookups_cold = symbolize::dwarf_lookups();
  CHECK(text_report(snapshot, cache) == baseline);
  CHECK(symbolize::dwarf_lookups() > lookups_cold);
  const auto files = cache_files(cache);
  CHECK(files.size() >= 2);  // the fixture's executable and libc, at least

  const std::size_t lookups_warm = symbolize::dwarf_lookups();
  const std::size_t inflated_warm = test::elf_decompressions();
  CHECK(text_report(snapshot, cache) == baseline);
  CHECK(symbolize::dwarf_lookups() == lookups_warm);
  CHECK(test::elf_decompressions() == inflated_warm);

  SUBCASE("corrupt, truncated and foreign files are ignored and rewritten") {
    REQUIRE(files.size() >= 2);
    std::vector<std::string> good;
    for (const auto& file : files) good.push_back(test::read_text(file));
    {
      std::ofstream(files[0], std::ios::binary | std::ios::trunc) << good[0].substr(0, good[0].size() / 2);
      std::string flipped = good[1];
      flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x20);
      std::ofstream(files[1], std::ios::binary | std::ios::trunc) << flipped;
    }
    if (files.size() >= 3) std::ofstream(files[2], std::ios::binary | std::ios::trunc) << good[0];  // another module's
    CHECK(text_report(snapshot, cache) == baseline);
    for (std::size_t i = 0; i < files.size(); ++i) CHECK(test::read_text(files[i]) == good[i]);
    const std::size_t lookups = symbolize::dwarf_lookups();
    CHECK(text_report(snapshot, cache) == baseline);
    CHECK(symbolize::dwarf_lookups() == lookups);
  }
  SUBCASE("an empty file and a directory in place of a file") {
    std::ofstream(files[0], std::ios::trunc).close();
    fs::remove(files[1]);
    fs::create_directory(files[1]);
    CHECK(text_report(snapshot, cache) == baseline);
    CHECK(test::read_text(files[0]).size() > 0);
  }
}

TEST_CASE("a full disk and a read-only home give the same report as no cache") {
  if (::geteuid() != 0) {
    WARN_MESSAGE(false, "not root: cannot mount the tmpfs this test needs; full-disk and read-only cases not run");
    return;
  }
  test::Fixture fixture("fixture_threads_cpp");
  const attach::Snapshot snapshot = test::capture_or_throw(fixture.pid());
  const std::string baseline = text_report(snapshot, std::nullopt);
  const test::TempDir dir("frame-cache-disk");

  SUBCASE("full disk: nothing is written, no temporary file is left") {
    TinyTmpfs disk(dir.path / "full");
    REQUIRE_MESSAGE(disk.mounted, "mount -t tmpfs -o size=16k failed");
    fs::create_directories(disk.path / "gmr" / "frames-v1");
    fill(disk.path);
    CHECK(text_report(snapshot, (disk.path / "gmr").string()) == baseline);
    CHECK(cache_files(disk.path / "gmr").empty());
  }
  SUBCASE("a read-only home with no cache, through HOME") {
    TinyTmpfs home(dir.path / "home", /*read_only=*/true);
    REQUIRE_MESSAGE(home.mounted, "mount -t tmpfs -o ro failed");
    const ScopedEnv xdg("XDG_CACHE_HOME", std::nullopt);
    const ScopedEnv home_env("HOME", home.path.string());
    const auto where = symbolize::FrameCache::default_directory();
    REQUIRE(where);
    CHECK(*where == (home.path / ".cache" / "gmr").string());
    CHECK(text_report(snapshot, where) == baseline);
    CHECK(!fs::exists(home.path / ".cache"));
  }
  SUBCASE("a warm cache made read-only, through XDG_CACHE_HOME") {
    TinyTmpfs disk(dir.path / "xdg", /*read_only=*/false, "4m");  // room for every cache file
    REQUIRE_MESSAGE(disk.mounted, "mount -t tmpfs -o size=4m failed");
    const ScopedEnv xdg("XDG_CACHE_HOME", disk.path.string());
    const auto where = symbolize::FrameCache::default_directory();
    REQUIRE(where);
    CHECK(*where == (disk.path / "gmr").string());
    CHECK(text_report(snapshot, where) == baseline);
    REQUIRE(!cache_files(*where).empty());
    disk.remount_read_only();
    REQUIRE(disk.mounted);
    const std::size_t lookups = symbolize::dwarf_lookups();
    CHECK(text_report(snapshot, where) == baseline);
    CHECK(symbolize::dwarf_lookups() == lookups);
  }
}

}  // TEST_SUITE
