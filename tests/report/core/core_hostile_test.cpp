// The core reader on damaged and hostile files: truncated anywhere, segments and notes that lie about
// their sizes, absurd counts. Each gives a clear error or a smaller snapshot with warnings, never a crash,
// and nothing is allocated on a count the file merely claims (ASan and the fuzz harness check the rest).
#include <doctest/doctest.h>

#include <elf.h>
#include <sys/procfs.h>

#include <csignal>

#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/core/core_image.hpp"
#include "report/core/core_layout.hpp"
#include "report/core/core_snapshot.hpp"
#include "report/core/snapshot_note.hpp"

namespace {

using namespace gmr;

std::span<const std::byte> bytes_of(const std::string& s) { return std::as_bytes(std::span<const char>(s)); }

template <typename T>
void append(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

std::string note(std::string_view name, std::uint32_t type, const std::string& desc, std::optional<std::uint32_t> claimed = {}) {
  std::string out;
  Elf64_Nhdr header{static_cast<Elf64_Word>(name.size() + 1), claimed.value_or(static_cast<Elf64_Word>(desc.size())), type};
  append(out, header);
  out += name;
  out += '\0';
  while (out.size() % 4) out += '\0';
  out += desc;
  while (out.size() % 4) out += '\0';
  return out;
}

std::string prstatus(pid_t tid, std::uint64_t rsp, int signal = 0) {
  elf_prstatus status;
  std::memset(&status, 0, sizeof status);
  status.pr_pid = tid;
  status.pr_cursig = static_cast<short>(signal);
  status.pr_reg[19] = rsp;  // user_regs_struct::rsp
  std::string out;
  append(out, status);
  return out;
}

struct Segment {
  std::uint64_t vaddr = 0;
  std::string bytes;
  std::optional<std::uint64_t> claimed_size;  // p_filesz and p_memsz when they lie
};

/// An x86-64 ET_CORE file: one PT_NOTE with `notes`, then one PT_LOAD per segment.
std::string core_file(const std::string& notes, const std::vector<Segment>& segments, std::optional<std::uint16_t> phnum = {}) {
  const std::size_t count = 1 + segments.size();
  std::string out;
  Elf64_Ehdr ehdr{};
  std::memcpy(ehdr.e_ident, ELFMAG, SELFMAG);
  ehdr.e_ident[EI_CLASS] = ELFCLASS64;
  ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
  ehdr.e_ident[EI_VERSION] = EV_CURRENT;
  ehdr.e_type = ET_CORE;
  ehdr.e_machine = EM_X86_64;
  ehdr.e_version = EV_CURRENT;
  ehdr.e_phoff = sizeof ehdr;
  ehdr.e_ehsize = sizeof ehdr;
  ehdr.e_phentsize = sizeof(Elf64_Phdr);
  ehdr.e_phnum = phnum.value_or(static_cast<std::uint16_t>(count));
  append(out, ehdr);
  std::uint64_t offset = sizeof ehdr + count * sizeof(Elf64_Phdr);
  Elf64_Phdr notes_phdr{PT_NOTE, PF_R, offset, 0, 0, notes.size(), 0, 4};
  append(out, notes_phdr);
  offset += notes.size();
  for (const auto& segment : segments) {
    const std::uint64_t size = segment.claimed_size.value_or(segment.bytes.size());
    Elf64_Phdr phdr{PT_LOAD, PF_R | PF_W, offset, segment.vaddr, 0, size, size, 1};
    append(out, phdr);
    offset += segment.bytes.size();
  }
  out += notes;
  for (const auto& segment : segments) out += segment.bytes;
  return out;
}

std::string a_stack() { return std::string(4096, '\x11'); }

}  // namespace

TEST_SUITE("report::core") {

TEST_CASE("a small other core reads as one frozen thread with its stack from SP") {
  const std::string file = core_file(note("CORE", NT_PRSTATUS, prstatus(42, 0x10800, SIGSEGV)), {{0x10000, a_stack(), {}}});
  const auto image = core::parse_core(bytes_of(file));
  REQUIRE_MESSAGE(image.has_value(), image.error());
  const auto core = core::snapshot_from_core(*image, file.size(), {});
  REQUIRE_MESSAGE(core.has_value(), core.error());
  REQUIRE(core->snapshot.threads.size() == 1);
  const auto& thread = core->snapshot.threads.front();
  CHECK(thread.facts.tid == 42);
  REQUIRE(thread.stack.has_value());
  CHECK(thread.stack->start == 0x10800 - 128);
  CHECK(thread.stack->end() == 0x11000);
  CHECK(thread.stop_kind == attach::StopKind::core_signal);
  CHECK(thread.pending_signal == SIGSEGV);
  CHECK(core->signal_thread == 42);
}

TEST_CASE("every prefix of a core gives an error or a snapshot, never a crash") {
  const std::string notes = note("CORE", NT_PRSTATUS, prstatus(42, 0x10800)) + note("CORE", NT_PRSTATUS, prstatus(43, 0x10f00));
  const std::string file = core_file(notes, {{0x10000, a_stack(), {}}});
  int errors = 0, snapshots = 0, warned = 0;
  for (std::size_t n = 0; n <= file.size(); n += (n < 1200 ? 1 : 61)) {
    const std::string cut = file.substr(0, n);
    const auto image = core::parse_core(bytes_of(cut));
    if (!image) {
      CHECK(!image.error().empty());
      ++errors;
      continue;
    }
    const auto core = core::snapshot_from_core(*image, cut.size(), {});
    if (core) {
      ++snapshots;
      warned += !core->warnings.empty();
    } else {
      CHECK(!core.error().empty());
      ++errors;
    }
  }
  CHECK(errors > 0);
  CHECK(snapshots > 0);
  CHECK(warned > 0);  // cut inside the stack segment: read with a warning
}

TEST_CASE("a segment claiming more bytes than the file holds is cut at the end of the file, with a warning") {
  const std::string file = core_file(note("CORE", NT_PRSTATUS, prstatus(42, 0x10800)),
                                     {{0x10000, a_stack(), std::uint64_t{1} << 62}});
  const auto image = core::parse_core(bytes_of(file));
  REQUIRE(image.has_value());
  REQUIRE(image->segments.size() == 1);
  CHECK(image->segments.front().bytes.size() == 4096);
  CHECK(image->segments.front().size == std::uint64_t{1} << 62);
  CHECK(image->warnings == std::vector<std::string>{"the memory segment at 0x10000 is cut short by the end of the file"});
  CHECK(!image->read(0x10000, std::uint64_t{1} << 40).has_value());  // not present: nothing allocated
}

TEST_CASE("notes that lie about their length stop the note walk with a warning") {
  const std::string lying = note("CORE", NT_PRSTATUS, prstatus(42, 0x10800), 0x7fffffff);
  const auto image = core::parse_core(bytes_of(core_file(lying, {})));
  REQUIRE(image.has_value());
  CHECK(image->threads.empty());
  CHECK(image->warnings ==
        std::vector<std::string>{"a note claims 2147483647 bytes, more than its segment holds: the notes from there on are ignored"});
  const auto core = core::snapshot_from_core(*image, 1000, {});
  REQUIRE(!core.has_value());
  CHECK(core.error() == "the core holds no thread");
}

TEST_CASE("an NT_FILE note claiming a million files, more than it holds, is skipped") {
  std::string desc;
  append(desc, std::uint64_t{1'000'000});
  append(desc, std::uint64_t{4096});
  const std::string notes = note("CORE", NT_PRSTATUS, prstatus(42, 0x10800)) + note("CORE", NT_FILE, desc);
  const auto image = core::parse_core(bytes_of(core_file(notes, {{0x10000, a_stack(), {}}})));
  REQUIRE(image.has_value());
  CHECK(image->files.empty());
  CHECK(image->warnings == std::vector<std::string>{"the NT_FILE note claims 1000000 files, more than it holds: skipped"});
}

TEST_CASE("a core claiming millions of program headers is refused before anything is read") {
  const std::string file = core_file(note("CORE", NT_PRSTATUS, prstatus(42, 0x10800)), {}, std::uint16_t{PN_XNUM});
  const auto image = core::parse_core(bytes_of(file));
  REQUIRE(!image.has_value());  // PN_XNUM and no section header holding the real count
  CHECK(image.error() == "the section header holding the program header count is missing");
  const std::string many = core_file(note("CORE", NT_PRSTATUS, prstatus(42, 0x10800)), {}, std::uint16_t{60000});
  const auto cut = core::parse_core(bytes_of(many));
  REQUIRE(!cut.has_value());
  CHECK(cut.error() == "the program headers run past the end of the file (truncated?)");
}

TEST_CASE("a gmr note claiming a million threads is refused with a clear error") {
  std::string threads = "[";
  for (int i = 0; i < 1'000'000; ++i) threads += i ? ",0" : "0";
  threads += "]";
  const std::string json = R"({"layout":1,"gmr_version":"x","build_ids":{},"snapshot":{"pid":1,"cmdline":[],"exe_path":null,)"
                           R"("exe_deleted":false,"uid":null,"kernel_release":"","shares_gmr_root":false,"captured_at_ns":0,)"
                           R"("stop_window_ns":0,"was_group_stopped":false,"freeze_timeout_ms":0,"threads_vanished":0,"threads":)" +
                           threads + "}}";
  const auto read = core::read_snapshot_note(json, [](std::uint64_t, std::uint64_t) { return std::nullopt; });
  REQUIRE(!read.has_value());
  CHECK(read.error() == "gmr note: \"threads\" has more than 100000 entries");
}

TEST_CASE("a gmr note of a newer layout, or not JSON, is refused by name") {
  const auto none = [](std::uint64_t, std::uint64_t) -> std::optional<attach::MemoryCopy> { return std::nullopt; };
  auto newer = core::read_snapshot_note(R"({"layout": 3})", none);
  REQUIRE(!newer.has_value());
  CHECK(newer.error() == "gmr note: layout 3 is newer than this gmr reads (2)");
  auto garbage = core::read_snapshot_note("{\"layout\": 1, ", none);
  REQUIRE(!garbage.has_value());
  CHECK(garbage.error() == "gmr note: not valid JSON");
  auto wrong = core::read_snapshot_note(R"({"layout": 1, "gmr_version": 3})", none);
  REQUIRE(!wrong.has_value());
  CHECK(wrong.error() == "gmr note: \"gmr_version\" is not a string");
}

TEST_CASE("layout 2 keeps how Python was read, and a layout 1 note read it, with green threads, when it has a frozen step") {
  const auto none = [](std::uint64_t, std::uint64_t) -> std::optional<attach::MemoryCopy> { return std::nullopt; };
  attach::Snapshot snap;
  snap.pid = 7;
  attach::ThreadSnapshot thread;
  thread.facts.tid = 7;
  snap.threads = {thread};
  for (const std::optional<core::NotePython>& python :
       {std::optional<core::NotePython>{}, std::optional{core::NotePython{.green_threads = false}},
        std::optional{core::NotePython{.green_threads = true}}}) {
    const auto read = core::read_snapshot_note(core::snapshot_note(snap, {}, "test", python), none);
    REQUIRE_MESSAGE(read.has_value(), read.error());
    REQUIRE(read->python.has_value() == python.has_value());
    if (python) CHECK(read->python->green_threads == python->green_threads);
  }
  // Layout 1: the same note without "python".
  nlohmann::json old = nlohmann::json::parse(core::snapshot_note(snap, {}, "test", std::nullopt));
  old["layout"] = 1;
  old.erase("python");
  auto without_step = core::read_snapshot_note(old.dump(), none);
  REQUIRE_MESSAGE(without_step.has_value(), without_step.error());
  CHECK(!without_step->python.has_value());
  old["snapshot"]["frozen_step"] = nlohmann::json{{"duration_ns", 1}, {"cpu_ns", 1}, {"pages", 0}, {"read_calls", 0},
                                                  {"unreadable_pages", 0}, {"budget", 0}, {"budget_hit", false},
                                                  {"error", nullptr}};
  auto with_step = core::read_snapshot_note(old.dump(), none);
  REQUIRE_MESSAGE(with_step.has_value(), with_step.error());
  REQUIRE(with_step->python.has_value());
  CHECK(with_step->python->green_threads);
}

TEST_CASE("note strings that are not UTF-8 survive the round trip as hex") {
  attach::Snapshot snap;
  snap.pid = 7;
  snap.cmdline = {"prog", std::string("\xff\xfe odd", 6)};
  attach::ThreadSnapshot thread;
  thread.facts.tid = 7;
  thread.facts.name = std::string("n\xc3", 2);  // a cut UTF-8 sequence
  snap.threads = {thread};
  const std::string text = core::snapshot_note(snap, {}, "test", std::nullopt);
  const auto read = core::read_snapshot_note(text, [](std::uint64_t, std::uint64_t) { return std::nullopt; });
  REQUIRE_MESSAGE(read.has_value(), read.error());
  CHECK(read->snapshot.cmdline == snap.cmdline);
  CHECK(read->snapshot.threads.front().facts.name == thread.facts.name);
}

}  // TEST_SUITE
