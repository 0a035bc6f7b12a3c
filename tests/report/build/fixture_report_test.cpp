// build_report() on real captures of the fixture programs: determinism, independence from the live
// process, module offsets and build-ids checked with eu-addr2line/readelf, the frame cap, source text.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <sstream>

#include "support/process.hpp"
#include "support/report_view.hpp"
#include "report/build/report_builder.hpp"
#include "report/render/wording.hpp"

namespace {

using namespace gmr;
using namespace std::chrono_literals;

template <typename T>
std::string opt(const std::optional<T>& value) {
  if (!value) return "-";
  std::ostringstream out;
  out << *value;
  return out.str();
}

std::string opt(const symbolize::SharedText& text) { return text.value_or("-"); }

std::string describe(const report::Frame& f) {
  std::ostringstream out;
  out << f.index << " " << std::hex << f.pc << std::dec << " " << f.inlined << " " << opt(f.function) << " +"
      << opt(f.function_offset) << " " << opt(f.module) << " @" << opt(f.module_offset) << " " << opt(f.build_id)
      << " " << opt(f.file) << ":" << opt(f.line) << ":" << opt(f.column) << " `" << opt(f.source) << "`";
  return out.str();
}

// Every field build_report fills from the snapshot and files (not the report's own clock-free header).
std::string describe(const report::Report& report) {
  std::ostringstream out;
  out << report.capture.threads_found << " " << report.capture.threads_frozen << " " << report.capture.consistent
      << "\n" << opt(report.package.executable) << " " << opt(report.package.build_id) << " "
      << opt(report.package.package) << "\n";
  for (const auto& t : report.threads) {
    out << "thread " << t.tid << " " << opt(t.name) << " " << opt(t.state) << " " << opt(t.state_name) << " "
        << t.frozen << " " << (t.stop ? report::stop_text(*t.stop) : "-") << " " << t.frames_truncated << "\n";
    if (t.syscall) out << "  syscall " << t.syscall->number << " " << opt(t.syscall->name) << "\n";
    for (const auto& f : t.frames) out << "  " << describe(f) << "\n";
    for (const auto& e : t.errors) out << "  error " << report::thread_error_text(e) << "\n";
  }
  for (const auto& note : report.capture.notes) out << "note " << report::note_text(note) << "\n";
  return out.str();
}

std::string hex(std::uint64_t value) {
  std::ostringstream out;
  out << "0x" << std::hex << value;
  return out.str();
}

std::string build_id_of(const std::string& path) {
  const auto notes = test::run_command({"readelf", "-n", path});
  REQUIRE(notes.exit_code == 0);
  const auto at = notes.out.find("Build ID: ");
  REQUIRE(at != std::string::npos);
  return notes.out.substr(at + 10, notes.out.find('\n', at) - at - 10);
}

}  // namespace

TEST_SUITE("report::fixture_report") {

TEST_CASE("building twice from one snapshot gives the same report, also after the process is gone") {
  test::Fixture fixture("fixture_threads_cpp");
  const attach::Snapshot snapshot = test::capture_or_throw(fixture.pid());

  const auto started = std::chrono::steady_clock::now();
  const report::Report first = report::build_report(snapshot, {});
  const auto first_took = std::chrono::steady_clock::now() - started;
  const report::Report second = report::build_report(snapshot, {});
  const auto second_took = std::chrono::steady_clock::now() - started - first_took;
  MESSAGE("build_report on fixture_threads_cpp (", snapshot.threads.size(), " threads): ",
          std::chrono::duration_cast<std::chrono::milliseconds>(first_took).count(), " ms, again ",
          std::chrono::duration_cast<std::chrono::milliseconds>(second_took).count(), " ms");

  const std::string text = describe(first);
  INFO(text);
  CHECK(text == describe(second));
  std::size_t frames = 0;
  for (const auto& t : first.threads) frames += t.frames.size();
  CHECK(frames > 50);

  // The target exits; its snapshot still names every frame the same way (files are reopened by path).
  fixture.close_stdin_and_wait();
  REQUIRE_FALSE(test::process_state(fixture.pid()).has_value());
  CHECK(text == describe(report::build_report(snapshot, {})));
}

TEST_CASE("module offsets and build-ids of every named frame agree with eu-addr2line and readelf") {
  test::Fixture fixture("fixture_threads_cpp");
  const report::Report report = test::dump_in_process(fixture.pid());
  const report::Thread* pool = test::find_thread(report, std::string_view("cpp-pool-0"));
  REQUIRE(pool != nullptr);
  INFO(test::describe_frames(*pool));

  std::map<std::string, std::string> build_ids;  // module -> readelf's build-id
  std::size_t inlined = 0;
  for (std::size_t i = 0; i < pool->frames.size(); ++i) {
    const report::Frame& frame = pool->frames[i];
    INFO("frame #", i);
    REQUIRE(frame.module.has_value());
    REQUIRE(frame.module_offset.has_value());
    if (!build_ids.contains(*frame.module)) build_ids[*frame.module] = build_id_of(*frame.module);
    CHECK(frame.build_id == std::optional<std::string>(build_ids[*frame.module]));
    if (!frame.file || frame.inlined) continue;

    // An out-of-line frame with DWARF: eu-addr2line -i at the same lookup address prints the same chain
    // (innermost first, two lines each) ending in this frame's file:line:column.
    const bool activation = i == 0;
    const std::uint64_t lookup = *frame.module_offset - (activation ? 0 : 1);
    const auto oracle = test::run_command({"eu-addr2line", "-e", *frame.module, "-i", "-f", "-C", hex(lookup)});
    REQUIRE(oracle.exit_code == 0);
    std::vector<std::string> lines;
    std::istringstream in(oracle.out);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    REQUIRE(lines.size() >= 2);
    INFO("eu-addr2line:\n", oracle.out);
    std::string position = *frame.file + ":" + std::to_string(*frame.line);
    if (frame.column) position += ":" + std::to_string(*frame.column);
    // eu-addr2line may prefix the compilation directory's relative part ("./io/../sysdeps/…").
    CHECK(lines.back().ends_with(position.starts_with("/") ? position : position.substr(position.find('/') + 1)));
    // The chain has as many entries as gmr has frames at this pc.
    std::size_t at_pc = 0;
    for (std::size_t k = 0; k <= i; ++k) at_pc += pool->frames[k].pc == frame.pc;
    CHECK(lines.size() == 2 * at_pc);
  }
  for (const auto& frame : pool->frames) inlined += frame.inlined;
  CHECK(inlined >= 1);  // lab::pool::Worker::wait_for_job()
  CHECK(build_ids.size() >= 3);  // the fixture, libstdc++, libc
}

TEST_CASE("identical workers share frames: same pcs give the same names") {
  test::Fixture fixture("fixture_threads_cpp");
  const report::Report report = test::dump_in_process(fixture.pid());
  const report::Thread* a = test::find_thread(report, std::string_view("cpp-pool-0"));
  const report::Thread* b = test::find_thread(report, std::string_view("cpp-pool-1"));
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  REQUIRE(a->frames.size() == b->frames.size());
  for (std::size_t i = 0; i < a->frames.size(); ++i) CHECK(describe(a->frames[i]) == describe(b->frames[i]));
}

TEST_CASE("max_frames caps every thread, inlined frames counted, and says so") {
  test::Fixture fixture("fixture_threads_cpp");
  const attach::Snapshot snapshot = test::capture_or_throw(fixture.pid());
  const report::Report full = report::build_report(snapshot, {});
  const report::Report capped = report::build_report(snapshot, {.max_frames = 5, .source_lines = true});
  REQUIRE(full.threads.size() == capped.threads.size());
  for (std::size_t t = 0; t < full.threads.size(); ++t) {
    const auto& whole = full.threads[t];
    const auto& cut = capped.threads[t];
    INFO(test::describe_frames(whole));
    CHECK_FALSE(whole.frames_truncated);
    CHECK(cut.frames.size() == std::min<std::size_t>(5, whole.frames.size()));
    CHECK(cut.frames_truncated == (whole.frames.size() > 5));
    for (std::size_t i = 0; i < cut.frames.size(); ++i) CHECK(describe(cut.frames[i]) == describe(whole.frames[i]));
  }
}

TEST_CASE("source text: the trimmed line for readable files, none when switched off") {
  test::Fixture fixture("fixture_threads_c");
  const attach::Snapshot snapshot = test::capture_or_throw(fixture.pid());
  const std::string source = test::fixture_source("threads_c.c");
  const int line = test::source_line(source, "c_sleep_inner");

  const report::Report with = report::build_report(snapshot, {});
  const report::Thread* sleeper = test::find_thread(with, std::string_view("c-sleep"));
  REQUIRE(sleeper != nullptr);
  INFO(test::describe_frames(*sleeper));
  const report::Frame* inner = nullptr;
  for (const auto& f : sleeper->frames)
    if (f.line == line && test::basename_of(f.file) == "threads_c.c") inner = &f;
  REQUIRE(inner != nullptr);
  REQUIRE(inner->source.has_value());
  CHECK(inner->source->find("@line:c_sleep_inner") != std::string::npos);
  CHECK(inner->source->front() != ' ');
  CHECK(inner->source->back() == '/');

  const report::Report without = report::build_report(snapshot, {.max_frames = 256, .source_lines = false});
  for (const auto& t : without.threads)
    for (const auto& f : t.frames) CHECK_FALSE(f.source.has_value());
}

TEST_CASE("a group-stopped process: every thread says it was left stopped, and is still unwound") {
  test::Fixture fixture("fixture_threads_c");
  REQUIRE(::kill(fixture.pid(), SIGSTOP) == 0);
  REQUIRE(test::wait_until(5s, [&] {
    for (const auto& [tid, state] : test::thread_states(fixture.pid()))
      if (state != 'T') return false;
    return true;
  }));
  const report::Report report = test::dump_in_process(fixture.pid());
  ::kill(fixture.pid(), SIGCONT);
  CHECK(report.capture.was_group_stopped);
  REQUIRE(!report.threads.empty());
  for (const auto& t : report.threads) {
    INFO(test::describe_frames(t));
    CHECK(t.state == std::optional<char>('T'));
    CHECK(t.state_name == std::optional<std::string>("stopped"));
    CHECK(t.stop == std::optional(report::Stop{report::Stop::Kind::group_stop}));
    CHECK(t.errors.empty());
    CHECK(t.frames.size() >= 3);
  }
}

}  // TEST_SUITE
