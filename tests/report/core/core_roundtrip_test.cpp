// A Snapshot written as a core (report/core/core_writer.hpp) and read back (core_image + core_snapshot) is
// the same Snapshot: the same facts, registers and bytes, and so the same report in every format and with
// every option. Also the size contract: the core is about the bytes copied while frozen, not the process.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstring>
#include <sstream>

#include "attach/auxv.hpp"
#include "attach/read_now.hpp"
#include "attach/live_files.hpp"
#include "attach/process_layout.hpp"
#include "report/build/dump_session.hpp"
#include "report/build/grouping.hpp"
#include "report/build/report_builder.hpp"
#include "report/core/core_files.hpp"
#include "report/core/core_image.hpp"
#include "report/core/core_mapping.hpp"
#include "report/core/core_memory.hpp"
#include "report/core/core_snapshot.hpp"
#include "report/core/core_writer.hpp"
#include "report/core/loader_memory.hpp"
#include "report/core/module_build_ids.hpp"
#include "report/render/render.hpp"
#include "support/process.hpp"
#include "support/report_view.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace gmr;
using namespace std::chrono_literals;

core::CoreWritten write_or_throw(const std::string& path, const attach::Snapshot& snapshot) {
  auto file = core::CoreFile::create(path);
  REQUIRE_MESSAGE(file.has_value(), file.error().message);
  core::CoreContents contents;
  contents.auxv = attach::read_auxv(snapshot.pid).value_or("");
  contents.modules = core::module_facts(snapshot.maps, attach::LiveFiles(attach::layout_of(snapshot)));
  contents.loader_memory = core::loader_memory(contents.auxv, [pid = snapshot.pid](std::uint64_t address, std::size_t size) {
    return attach::read_memory_now(pid, address, size);
  });
  contents.gmr_version = "test";
  auto written = core::write_core(std::move(*file), snapshot, contents);
  REQUIRE_MESSAGE(written.has_value(), written.error().message);
  return *written;
}

struct ReadBack {
  core::CoreMapping mapping;
  core::CoreSnapshot core;
};

ReadBack read_back(const std::string& path) {
  auto mapping = core::CoreMapping::open(path);
  REQUIRE_MESSAGE(mapping.has_value(), mapping.error());
  auto image = core::parse_core(mapping->bytes());
  REQUIRE_MESSAGE(image.has_value(), image.error());
  CHECK(image->warnings.empty());
  auto core = core::snapshot_from_core(*image, mapping->bytes().size(), {});
  REQUIRE_MESSAGE(core.has_value(), core.error());
  return {std::move(*mapping), std::move(*core)};
}

report::Report build_from_core(const core::CoreSnapshot& core, const report::BuildOptions& options) {
  core::CoreFilesOptions files{.sysroot = std::nullopt, .exe = std::nullopt, .exe_path = core.snapshot.exe_path,
                               .build_ids = core.build_ids};
  report::DumpSession session(attach::layout_of(core.snapshot), std::make_unique<core::CoreFiles>(std::move(files)));
  return session.build(core.snapshot, options);
}

std::string rendered(const report::Report& report, report::OutputFormat format) {
  std::ostringstream out;
  report::render(report, format, {}, out);
  return out.str();
}

bool same_copy(const std::optional<attach::MemoryCopy>& a, const std::optional<attach::MemoryCopy>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->start == b->start && a->bytes == b->bytes);
}

}  // namespace

TEST_SUITE("report::core") {

TEST_CASE("a fixture's snapshot written as a core reads back as the same snapshot") {
  test::Fixture fixture("fixture_threads_c");
  const attach::Snapshot live = test::capture_or_throw(fixture.pid());
  test::TempDir dir("core");
  const std::string path = (dir.path / "fixture.core").string();
  const core::CoreWritten written = write_or_throw(path, live);

  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(static_cast<std::uint64_t>(st.st_size) == written.file_bytes);

  const ReadBack back = read_back(path);
  const attach::Snapshot& snap = back.core.snapshot;
  CHECK(back.core.gmr_version == "test");
  CHECK(back.core.warnings.empty());
  CHECK(snap.pid == live.pid);
  CHECK(snap.cmdline == live.cmdline);
  CHECK(snap.exe_path == live.exe_path);
  CHECK(snap.captured_at == live.captured_at);
  CHECK(snap.stop_window == live.stop_window);
  CHECK(snap.maps.size() == live.maps.size());
  CHECK(same_copy(snap.vdso, live.vdso));
  REQUIRE(snap.threads.size() == live.threads.size());
  for (std::size_t i = 0; i < live.threads.size(); ++i) {
    const auto& a = live.threads[i];
    const auto& b = snap.threads[i];
    INFO("thread ", a.facts.tid);
    CHECK(b.facts.tid == a.facts.tid);
    CHECK(b.facts.name == a.facts.name);
    CHECK(b.facts.state == a.facts.state);
    CHECK(b.facts.wchan == a.facts.wchan);
    CHECK(b.facts.cpu_user == a.facts.cpu_user);
    CHECK(b.freeze == a.freeze);
    REQUIRE(b.registers.has_value() == a.registers.has_value());
    if (a.registers) CHECK(std::memcmp(&*a.registers, &*b.registers, sizeof(user_regs_struct)) == 0);
    CHECK(same_copy(b.stack, a.stack));
    CHECK(same_copy(b.syscall_memory, a.syscall_memory));
    CHECK(b.pointed_words.size() == a.pointed_words.size());
  }
  REQUIRE(live.exe_path.has_value());
  CHECK(back.core.build_ids.contains(*live.exe_path));
}

TEST_CASE("the report of a gmr core equals the live report of the same snapshot in every format and option") {
  test::Fixture fixture("fixture_threads_c");
  const attach::Snapshot live = test::capture_or_throw(fixture.pid());
  test::TempDir dir("core");
  const std::string path = (dir.path / "fixture.core").string();
  write_or_throw(path, live);
  const ReadBack back = read_back(path);

  report::BuildOptions all;
  report::BuildOptions some;
  some.threads = std::vector<pid_t>{live.threads.back().facts.tid};
  report::BuildOptions no_source;
  no_source.source_lines = false;
  for (const auto* options : {&all, &some, &no_source}) {
    report::Report from_live = report::build_report(live, *options);
    report::Report from_core = build_from_core(back.core, *options);
    for (bool group : {false, true}) {
      if (group) {
        from_live.groups = report::group_threads(from_live.threads);
        from_core.groups = report::group_threads(from_core.threads);
      }
      for (auto format : {report::OutputFormat::text, report::OutputFormat::json, report::OutputFormat::folded}) {
        INFO("format ", static_cast<int>(format), " group ", group, " threads ", options->threads.has_value());
        const std::string expected = rendered(from_live, format);
        CHECK(expected.size() > 100);
        CHECK(rendered(from_core, format) == expected);
      }
      report::RenderOptions threads_only{*report::SectionSet::parse(std::vector<std::string>{"threads"}), 0, false, false};
      std::ostringstream a, b;
      report::render(from_live, report::OutputFormat::text, threads_only, a);
      report::render(from_core, report::OutputFormat::text, threads_only, b);
      CHECK(a.str() == b.str());
    }
  }
}

// Issue 14 asked for a core within 1.2x of the bytes copied while frozen, at 1,000 threads: 5.41 MB for 4.65 MB
// copied (1.16x) when each thread's copy ran to its mapping's end. Since the copy stops at the thread pointer
// (issue 13: the frozen window), the same crowd copies 2.29 MB and its core is 3.05 MB (1.33x): 2.4 MB
// smaller, the ratio larger, because each thread's fixed part (its NT_PRSTATUS note, its program header,
// its record in gmr's note: 0.76 KiB) did not shrink with its stack. What the bound means to keep out is
// checked instead: memory the core holds beyond what was copied, and more than that fixed part a thread.
TEST_CASE("a core of 1,000 threads holds the bytes copied while frozen and under 1 KiB a thread besides") {
  test::Fixture crowd("fixture_crowd", {.args = {}, .timeout = 30s});
  REQUIRE(crowd.ready_threads() == 1000);
  const attach::Snapshot live = test::capture_or_throw(crowd.pid());
  REQUIRE(live.threads.size() == 1000);
  test::TempDir dir("core");
  const std::string path = (dir.path / "crowd.core").string();
  const auto started = std::chrono::steady_clock::now();
  const core::CoreWritten written = write_or_throw(path, live);
  const auto took = std::chrono::steady_clock::now() - started;
  MESSAGE("1,000 threads: copied ", written.copied_bytes, " bytes, core ", written.file_bytes, " bytes (",
          written.segments, " segments), written in ",
          std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), " ms");
  CHECK(written.copied_bytes == core::copied_bytes(live));
  CHECK(written.memory_bytes - written.loader_bytes <= written.copied_bytes + 16 * 4096);  // + module headers, gaps
  CHECK(written.copied_bytes > 1000u * 128);  // every stack is in it
  MESSAGE("core / copied: ", static_cast<double>(written.file_bytes) / static_cast<double>(written.copied_bytes));
  CHECK(written.file_bytes - written.memory_bytes <= 1000u * 1024);
  const ReadBack back = read_back(path);
  CHECK(back.core.snapshot.threads.size() == 1000);
}

TEST_CASE("memory runs: overlapping copies are kept once, adjacent ones joined, every copied byte present") {
  attach::Snapshot snap;
  auto bytes = [](std::size_t n, unsigned char fill) { return std::vector<std::byte>(n, std::byte{fill}); };
  attach::ThreadSnapshot a, b;
  a.stack = attach::MemoryCopy{0x1000, bytes(0x100, 1)};
  a.syscall_memory = attach::MemoryCopy{0x1080, bytes(0x10, 1)};  // inside the stack: same bytes
  b.stack = attach::MemoryCopy{0x1100, bytes(0x80, 2)};           // right after: joined
  snap.threads = {a, b};
  snap.interpreter_memory = {attach::MemoryCopy{0x5000, bytes(0x1000, 3)}};
  const auto runs = core::memory_runs(snap);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].start == 0x1000);
  CHECK(runs[0].end == 0x1180);
  CHECK(runs[1].start == 0x5000);
  CHECK(runs[1].end == 0x6000);
  std::uint64_t covered = 0;
  for (const auto& piece : runs[0].pieces) covered += piece.bytes.size();
  CHECK(covered == 0x180);
  CHECK(core::copied_bytes(snap) == 0x100 + 0x10 + 0x80 + 0x1000);
}

}  // TEST_SUITE
