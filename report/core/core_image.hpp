// An ELF core file's contents as plain data: what its notes say (threads, process, auxv, mapped files,
// the signal, gmr's own note) and where its memory segments are. Parsing never trusts a size the file
// states: every count and offset is checked against the bytes present and against core_layout.hpp's
// bounds before anything is allocated, so a truncated or hostile file gives an error (or, for segments
// cut short, a smaller image with a warning), never a crash or an unbounded allocation.
#pragma once

#include <sys/types.h>
#include <sys/user.h>

#include <cstddef>
#include <cstdint>
#include "report/core/parsed.hpp"
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gmr::core {

struct CoreThread {
  pid_t tid = 0;
  user_regs_struct registers{};
  int signal = 0;  // pr_cursig: the signal the thread was handling when dumped, 0 for none
  std::int64_t user_us = 0;
  std::int64_t system_us = 0;
};

struct CoreProcess {  // NT_PRPSINFO
  pid_t pid = 0;
  pid_t ppid = 0;
  uid_t uid = 0;
  char state = 0;     // pr_sname
  std::string name;   // pr_fname (at most 15 bytes)
  std::string args;   // pr_psargs (at most 79 bytes, arguments joined by spaces)
};

struct CoreFileMapping {  // one NT_FILE entry
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::uint64_t offset = 0;  // in bytes
  std::string path;
};

struct CoreSegment {  // one PT_LOAD
  std::uint64_t start = 0;
  std::uint64_t size = 0;                 // p_memsz
  std::span<const std::byte> bytes;       // the part present in the file (p_filesz, cut at the file's end)
  std::uint32_t flags = 0;                // PF_R/W/X
};

struct CoreSignal {  // NT_SIGINFO
  int signo = 0;
  int code = 0;
  std::optional<std::uint64_t> address;   // si_addr, for SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGTRAP
};

struct CoreImage {
  std::vector<CoreThread> threads;        // in file order: the kernel puts the dumping thread first
  std::optional<CoreProcess> process;
  std::string auxv;
  std::vector<CoreFileMapping> files;
  std::vector<CoreSegment> segments;      // sorted by start
  std::optional<CoreSignal> signal;       // of the first thread
  std::optional<std::string_view> gmr_note;  // the gmr note's bytes
  std::vector<std::string> warnings;      // what was cut short or skipped, one line each

  /// The bytes of [start, start + size) when present segments hold all of them, across adjacent ones.
  std::optional<std::vector<std::byte>> read(std::uint64_t start, std::uint64_t size) const;
  /// The readable prefix of [start, start + max) inside the segment holding `start`.
  std::span<const std::byte> segment_bytes_from(std::uint64_t start, std::uint64_t max) const;
};

/// Parses `file` (the whole core, which must outlive the image: segments point into it).
Parsed<CoreImage> parse_core(std::span<const std::byte> file);

}  // namespace gmr::core
