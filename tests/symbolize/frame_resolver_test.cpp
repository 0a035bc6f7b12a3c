// Naming addresses of this test binary (built -O2 -g), checked against its own source markers and against
// eu-addr2line, plus the vDSO named from the captured image alone.
#include <doctest/doctest.h>

#include <sys/auxv.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/self_snapshot.hpp"
#include "support/process.hpp"
#include "symbolize/frame_resolver.hpp"
#include "symbolize/snapshot_dwfl.hpp"

#define SYMTEST_NOINLINE __attribute__((noinline, noipa))

namespace symtest {

SYMTEST_NOINLINE std::uintptr_t return_address_probe() {
  return reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
}

__attribute__((always_inline)) inline std::uintptr_t inlined_layer() {
  const std::uintptr_t ra = return_address_probe(); /* @line:symtest_inlined_call */
  asm volatile("" ::: "memory");
  return ra;
}

SYMTEST_NOINLINE std::uintptr_t outer_function() {
  const std::uintptr_t ra = inlined_layer(); /* @line:symtest_outer_call */
  asm volatile("" ::: "memory");
  return ra;
}

SYMTEST_NOINLINE std::uintptr_t plain_function() {
  const std::uintptr_t ra = return_address_probe(); /* @line:symtest_plain_call */
  asm volatile("" ::: "memory");
  return ra;
}

}  // namespace symtest

namespace {

using namespace gmr;

std::string hex(std::uint64_t value) {
  std::ostringstream out;
  out << "0x" << std::hex << value;
  return out.str();
}

std::string basename_of(const symbolize::SharedText& path) {
  return path ? std::filesystem::path(*path).filename().string() : "";
}

}  // namespace

TEST_SUITE("symbolize::frame_resolver") {

TEST_CASE("a return address inside an inlined call gives the inlined frame, then its caller") {
  const std::uintptr_t ra = symtest::outer_function();
  const attach::Snapshot snapshot = test::self_snapshot();
  auto session = symbolize::SnapshotDwfl::open(snapshot, test::self_files());
  REQUIRE(session.has_value());
  symbolize::SourceLines sources;
  symbolize::FrameResolver resolver((*session)->dwfl(), &sources);

  const auto& frames = resolver.resolve({ra, false});
  REQUIRE(frames.size() == 2);
  const symbolize::NamedFrame& inlined = frames[0];
  const symbolize::NamedFrame& outer = frames[1];
  const std::string source = __FILE__;

  CHECK(inlined.inlined);
  CHECK(inlined.function == std::optional<std::string>("symtest::inlined_layer()"));
  CHECK_FALSE(inlined.function_offset.has_value());
  CHECK(basename_of(inlined.file) == "frame_resolver_test.cpp");
  CHECK(inlined.line == std::optional<int>(test::source_line(source, "symtest_inlined_call")));
  // (The marker is split in these literals so that it stays unique in this file.)
  CHECK(inlined.source == std::optional<std::string>(
                              "const std::uintptr_t ra = return_address_probe(); /* @line:" "symtest_inlined_call */"));

  CHECK_FALSE(outer.inlined);
  CHECK(outer.function == std::optional<std::string>("symtest::outer_function()"));
  CHECK(outer.function_offset == std::optional<std::uint64_t>(ra - reinterpret_cast<std::uintptr_t>(&symtest::outer_function)));
  CHECK(outer.line == std::optional<int>(test::source_line(source, "symtest_outer_call")));
  CHECK(outer.source ==
        std::optional<std::string>("const std::uintptr_t ra = inlined_layer(); /* @line:" "symtest_outer_call */"));

  for (const symbolize::NamedFrame& frame : frames) {
    CHECK(frame.pc == ra);  // the real pc, not the adjusted one
    CHECK(frame.module == snapshot.exe_path);
    CHECK(frame.module_offset == outer.module_offset);
    CHECK(frame.build_id == outer.build_id);
  }

  // The module offset is what eu-addr2line takes; it agrees on the whole chain (for the pc - 1 of a call).
  REQUIRE(outer.module_offset.has_value());
  const auto oracle = test::run_command(
      {"eu-addr2line", "-e", *snapshot.exe_path, "-f", "-i", "-C", hex(*outer.module_offset - 1)});
  REQUIRE(oracle.exit_code == 0);
  std::istringstream lines(oracle.out);
  std::string function, position;
  for (const symbolize::NamedFrame& frame : frames) {
    REQUIRE(std::getline(lines, function));
    REQUIRE(std::getline(lines, position));
    INFO("eu-addr2line: ", function, " at ", position);
    CHECK(function.starts_with(frame.function->substr(0, frame.function->find('('))));
    CHECK(position.starts_with(*frame.file + ":" + std::to_string(*frame.line)));
  }
}

TEST_CASE("the build-id is the executable's NT_GNU_BUILD_ID (readelf -n)") {
  const std::uintptr_t ra = symtest::plain_function();
  const attach::Snapshot snapshot = test::self_snapshot();
  auto session = symbolize::SnapshotDwfl::open(snapshot, test::self_files());
  REQUIRE(session.has_value());
  symbolize::FrameResolver resolver((*session)->dwfl(), nullptr);
  const auto& frames = resolver.resolve({ra, false});
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].function == std::optional<std::string>("symtest::plain_function()"));
  CHECK(frames[0].line == std::optional<int>(test::source_line(__FILE__, "symtest_plain_call")));
  CHECK_FALSE(frames[0].source.has_value());  // no SourceLines given

  const auto notes = test::run_command({"readelf", "-n", *snapshot.exe_path});
  REQUIRE(notes.exit_code == 0);
  const auto at = notes.out.find("Build ID: ");
  REQUIRE(at != std::string::npos);
  const std::string build_id = notes.out.substr(at + 10, notes.out.find('\n', at) - at - 10);
  CHECK(frames[0].build_id == std::optional<std::string>(build_id));
}

TEST_CASE("an activation pc is looked up as is, a return address one byte earlier") {
  const attach::Snapshot snapshot = test::self_snapshot();
  auto session = symbolize::SnapshotDwfl::open(snapshot, test::self_files());
  REQUIRE(session.has_value());
  symbolize::FrameResolver resolver((*session)->dwfl(), nullptr);
  const auto start = reinterpret_cast<std::uint64_t>(&symtest::plain_function);
  // As a return address, the first byte of a function belongs to whatever precedes it.
  const auto& activation = resolver.resolve({start, true});
  REQUIRE(activation.size() == 1);
  CHECK(activation[0].function == std::optional<std::string>("symtest::plain_function()"));
  CHECK(activation[0].function_offset == std::optional<std::uint64_t>(0));
  const auto& returning = resolver.resolve({start, false});
  REQUIRE(!returning.empty());
  CHECK(returning.back().function != std::optional<std::string>("symtest::plain_function()"));
}

TEST_CASE("repeated pcs are resolved once: the same frames come back") {
  const std::uintptr_t ra = symtest::outer_function();
  const attach::Snapshot snapshot = test::self_snapshot();
  auto session = symbolize::SnapshotDwfl::open(snapshot, test::self_files());
  REQUIRE(session.has_value());
  symbolize::FrameResolver resolver((*session)->dwfl(), nullptr);
  const auto* first = &resolver.resolve({ra, false});
  const auto* second = &resolver.resolve({ra, false});
  CHECK(first == second);
}

TEST_CASE("an address in no module has only its pc") {
  const attach::Snapshot snapshot = test::self_snapshot();
  auto session = symbolize::SnapshotDwfl::open(snapshot, test::self_files());
  REQUIRE(session.has_value());
  symbolize::FrameResolver resolver((*session)->dwfl(), nullptr);
  const auto& frames = resolver.resolve({0x1000, true});
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].pc == 0x1000);
  CHECK_FALSE(frames[0].module.has_value());
  CHECK_FALSE(frames[0].module_offset.has_value());
  CHECK_FALSE(frames[0].function.has_value());
  CHECK_FALSE(frames[0].file.has_value());
}

TEST_CASE("the vDSO is named from the captured image, as nm names it") {
  attach::Snapshot snapshot = test::self_snapshot();
  REQUIRE(snapshot.vdso.has_value());
  REQUIRE(snapshot.vdso->start == getauxval(AT_SYSINFO_EHDR));

  // nm's view of the same bytes, written to a file.
  const std::filesystem::path image =
      std::filesystem::temp_directory_path() / ("gmr-vdso-" + std::to_string(getpid()) + ".so");
  {
    std::ofstream out(image, std::ios::binary);
    out.write(reinterpret_cast<const char*>(snapshot.vdso->bytes.data()),
              static_cast<std::streamsize>(snapshot.vdso->bytes.size()));
  }
  const auto nm = test::run_command({"nm", "-D", "--defined-only", image.string()});
  std::filesystem::remove(image);
  REQUIRE(nm.exit_code == 0);
  std::uint64_t value = 0;
  std::vector<std::string> aliases;
  std::istringstream lines(nm.out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string v, type, name;
    fields >> v >> type >> name;
    if (name.substr(0, name.find('@')) == "__vdso_clock_gettime") value = std::stoull(v, nullptr, 16);
  }
  REQUIRE(value != 0);
  lines = std::istringstream(nm.out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string v, type, name;
    fields >> v >> type >> name;
    if (!v.empty() && std::stoull(v, nullptr, 16) == value) aliases.push_back(name.substr(0, name.find('@')));
  }

  // The vDSO's bytes are all libdwfl gets: its module has no file behind it.
  auto session = symbolize::SnapshotDwfl::open(snapshot, test::self_files());
  REQUIRE(session.has_value());
  symbolize::FrameResolver resolver((*session)->dwfl(), nullptr);
  const auto& frames = resolver.resolve({snapshot.vdso->start + value + 2, true});
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].module == std::optional<std::string>("[vdso]"));
  REQUIRE(frames[0].function.has_value());
  INFO("nm aliases at 0x", std::hex, value);
  CHECK(std::find(aliases.begin(), aliases.end(), *frames[0].function) != aliases.end());
  CHECK(frames[0].function_offset == std::optional<std::uint64_t>(2));
  CHECK(frames[0].module_offset == std::optional<std::uint64_t>(value + 2));
  CHECK(frames[0].build_id.has_value());
}

}  // TEST_SUITE
