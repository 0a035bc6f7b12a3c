#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "attach/live_files.hpp"
#include "symbolize/captured_memory.hpp"

namespace {

using namespace gmr;
using symbolize::CapturedMemory;

attach::MemoryCopy copy_of_words(std::uint64_t start, std::uint64_t first_word, std::size_t words) {
  attach::MemoryCopy copy;
  copy.start = start;
  copy.bytes.resize(words * 8);
  for (std::size_t i = 0; i < words; ++i) {
    const std::uint64_t word = first_word + i;
    std::memcpy(copy.bytes.data() + i * 8, &word, 8);
  }
  return copy;
}

attach::ThreadSnapshot thread_with_stack(pid_t tid, attach::MemoryCopy stack) {
  attach::ThreadSnapshot thread;
  thread.facts.tid = tid;
  thread.freeze = attach::FreezeState::frozen;
  thread.stack = std::move(stack);
  return thread;
}

// A file of 3 pages; the 8-byte word at file offset `o` (a multiple of 8) holds 0xF11E0000 + o.
struct TempFile {
  std::filesystem::path path;
  ino_t inode = 0;
  TempFile() {
    path = std::filesystem::temp_directory_path() / ("gmr-memory-test-" + std::to_string(getpid()));
    std::ofstream out(path, std::ios::binary);
    for (std::uint64_t offset = 0; offset < 3 * 4096; offset += 8) {
      const std::uint64_t word = 0xF11E0000 + offset;
      out.write(reinterpret_cast<const char*>(&word), 8);
    }
    out.close();
    struct stat st{};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    inode = st.st_ino;
  }
  ~TempFile() { std::filesystem::remove(path); }
};

attach::Mapping file_mapping(const TempFile& file, std::uint64_t start, std::uint64_t offset, const char* perms) {
  attach::Mapping m;
  m.start = start;
  m.end = start + 4096;
  m.perms = perms;
  m.offset = offset;
  m.device = "00:00";
  m.inode = file.inode;
  m.path = file.path.string();
  return m;
}

}  // namespace

TEST_SUITE("symbolize::captured_memory") {

TEST_CASE("words are read from the copied stacks, whole words only") {
  attach::Snapshot snapshot;
  snapshot.pid = getpid();
  snapshot.threads.push_back(thread_with_stack(1, copy_of_words(0x7000'0000, 100, 16)));
  snapshot.threads.push_back(thread_with_stack(2, copy_of_words(0x5000'0000, 500, 4)));
  const attach::LiveFiles files(attach::layout_of(snapshot));
  CapturedMemory memory(snapshot, files);

  CHECK(memory.read_word(0x7000'0000) == std::optional<std::uint64_t>(100));
  CHECK(memory.read_word(0x7000'0000 + 15 * 8) == std::optional<std::uint64_t>(115));
  CHECK(memory.read_word(0x5000'0000 + 8) == std::optional<std::uint64_t>(501));
  // Unaligned reads are fine as long as all 8 bytes were copied.
  CHECK(memory.read_word(0x7000'0000 + 4).has_value());
  CHECK_FALSE(memory.read_word(0x7000'0000 + 15 * 8 + 1).has_value());  // runs past the copy
  CHECK_FALSE(memory.read_word(0x7000'0000 + 16 * 8).has_value());
  CHECK_FALSE(memory.read_word(0x7000'0000 - 8).has_value());
  CHECK_FALSE(memory.read_word(0x6000'0000).has_value());
  CHECK_FALSE(memory.read_word(0).has_value());
}

TEST_CASE("overlapping stack copies (threads whose stacks share a mapping) are all reachable") {
  attach::Snapshot snapshot;
  snapshot.pid = getpid();
  // A long copy, then a short one starting inside it and ending before it: an address past the short
  // one's end is only in the long one, which starts earlier.
  snapshot.threads.push_back(thread_with_stack(1, copy_of_words(0x1000, 0, 512)));
  snapshot.threads.push_back(thread_with_stack(2, copy_of_words(0x1800, 0x100, 4)));
  const attach::LiveFiles files(attach::layout_of(snapshot));
  CapturedMemory memory(snapshot, files);
  CHECK(memory.read_word(0x1800) == std::optional<std::uint64_t>(0x100));
  CHECK(memory.read_word(0x1800 + 64) == std::optional<std::uint64_t>((0x1800 + 64 - 0x1000) / 8));
}

TEST_CASE("the vDSO copy is read when no stack holds the address") {
  attach::Snapshot snapshot;
  snapshot.pid = getpid();
  snapshot.vdso = copy_of_words(0x7fff'0000, 0xD50, 8);
  const attach::LiveFiles files(attach::layout_of(snapshot));
  CapturedMemory memory(snapshot, files);
  CHECK(memory.read_word(0x7fff'0000 + 8) == std::optional<std::uint64_t>(0xD51));
  CHECK_FALSE(memory.read_word(0x7fff'0000 + 8 * 8).has_value());
}

TEST_CASE("read-only file mappings are read from the file at the mapping's offset, writable ones never") {
  TempFile file;
  attach::Snapshot snapshot;
  snapshot.pid = getpid();
  snapshot.maps.insert(file_mapping(file, 0x40'0000, 4096, "r-xp"));
  snapshot.maps.insert(file_mapping(file, 0x40'1000, 8192, "rw-p"));  // may differ from the file
  const attach::LiveFiles files(attach::layout_of(snapshot));
  CapturedMemory memory(snapshot, files);

  CHECK(memory.read_word(0x40'0000) == std::optional<std::uint64_t>(0xF11E0000 + 4096));
  CHECK(memory.read_word(0x40'0000 + 4088) == std::optional<std::uint64_t>(0xF11E0000 + 4096 + 4088));
  CHECK_FALSE(memory.read_word(0x40'0000 + 4092).has_value());  // crosses into the writable mapping
  CHECK_FALSE(memory.read_word(0x40'1000).has_value());
}

TEST_CASE("a mapped file that no longer exists reads as nothing") {
  attach::Snapshot snapshot;
  snapshot.pid = getpid();
  {
    TempFile file;
    snapshot.maps.insert(file_mapping(file, 0x40'0000, 0, "r--p"));
  }
  const attach::LiveFiles files(attach::layout_of(snapshot));
  CapturedMemory memory(snapshot, files);
  CHECK_FALSE(memory.read_word(0x40'0000).has_value());
}

}  // TEST_SUITE
