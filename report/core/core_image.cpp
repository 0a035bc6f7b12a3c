#include "report/core/core_image.hpp"

#include <elf.h>
#include <signal.h>
#include <sys/procfs.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "report/core/core_layout.hpp"

namespace gmr::core {
namespace {

using Bytes = std::span<const std::byte>;

/// `T` at `offset` of `bytes`, copied (cores are not aligned for us); nullopt when not all of it is there.
template <typename T>
std::optional<T> load(Bytes bytes, std::uint64_t offset) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return std::nullopt;
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

/// [offset, offset + size) of `bytes`, cut at its end.
Bytes slice(Bytes bytes, std::uint64_t offset, std::uint64_t size) {
  if (offset >= bytes.size()) return {};
  return bytes.subspan(static_cast<std::size_t>(offset),
                       static_cast<std::size_t>(std::min<std::uint64_t>(size, bytes.size() - offset)));
}

std::string text_of(const char* chars, std::size_t max) {
  return std::string(chars, strnlen(chars, max));
}

std::string hex(std::uint64_t value) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), digits[value & 0xf]);
    value >>= 4;
  } while (value != 0);
  return "0x" + out;
}

/// Microseconds of a timeval from the file, saturated (a hostile core may hold any value).
std::int64_t micros(const timeval& t) {
  std::int64_t us = 0;
  if (__builtin_mul_overflow(static_cast<std::int64_t>(t.tv_sec), std::int64_t{1'000'000}, &us) ||
      __builtin_add_overflow(us, static_cast<std::int64_t>(t.tv_usec), &us))
    return t.tv_sec < 0 ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
  return us;
}

struct Parser {
  CoreImage image;
  bool threads_capped = false;

  void prstatus(Bytes desc) {
    const auto status = load<elf_prstatus>(desc, 0);
    if (!status) return image.warnings.push_back("an NT_PRSTATUS note is too short: skipped");
    if (image.threads.size() >= max_core_threads) {
      if (!threads_capped)
        image.warnings.push_back("the core holds more than " + std::to_string(max_core_threads) +
                                 " threads: only the first are read");
      threads_capped = true;
      return;
    }
    CoreThread thread;
    thread.tid = status->pr_pid;
    static_assert(sizeof status->pr_reg == sizeof thread.registers);
    std::memcpy(&thread.registers, &status->pr_reg, sizeof thread.registers);
    thread.signal = status->pr_cursig;
    thread.user_us = micros(status->pr_utime);
    thread.system_us = micros(status->pr_stime);
    image.threads.push_back(thread);
  }

  void prpsinfo(Bytes desc) {
    const auto info = load<elf_prpsinfo>(desc, 0);
    if (!info) return image.warnings.push_back("the NT_PRPSINFO note is too short: skipped");
    image.process = CoreProcess{.pid = info->pr_pid,
                                .ppid = info->pr_ppid,
                                .uid = info->pr_uid,
                                .state = info->pr_sname,
                                .name = text_of(info->pr_fname, sizeof info->pr_fname),
                                .args = text_of(info->pr_psargs, sizeof info->pr_psargs)};
  }

  void nt_file(Bytes desc) {
    const auto count = load<std::uint64_t>(desc, 0);
    const auto page = load<std::uint64_t>(desc, 8);
    if (!count || !page) return image.warnings.push_back("the NT_FILE note is too short: skipped");
    if (*count > (desc.size() - 16) / 24 || *count > max_core_mappings)
      return image.warnings.push_back("the NT_FILE note claims " + std::to_string(*count) +
                                      " files, more than it holds: skipped");
    const std::size_t n = static_cast<std::size_t>(*count);
    std::size_t name_at = 16 + n * 24;
    for (std::size_t i = 0; i < n; ++i) {
      const auto words = load<std::array<std::uint64_t, 3>>(desc, 16 + i * 24);
      const auto* begin = reinterpret_cast<const char*>(desc.data()) + name_at;
      const auto* nul = static_cast<const char*>(std::memchr(begin, 0, desc.size() - name_at));
      if (!words || nul == nullptr) return image.warnings.push_back("the NT_FILE note's names are cut short");
      std::uint64_t offset = 0;
      if (__builtin_mul_overflow((*words)[2], *page, &offset) || (*words)[1] < (*words)[0]) {
        image.warnings.push_back("an NT_FILE entry is out of range: skipped");
      } else {
        image.files.push_back({(*words)[0], (*words)[1], offset, std::string(begin, nul)});
      }
      name_at += static_cast<std::size_t>(nul - begin) + 1;
    }
  }

  void siginfo(Bytes desc) {
    const auto info = load<siginfo_t>(desc, 0);
    if (!info || image.signal) return;
    CoreSignal signal{.signo = info->si_signo, .code = info->si_code, .address = std::nullopt};
    if (info->si_signo == SIGSEGV || info->si_signo == SIGBUS || info->si_signo == SIGILL ||
        info->si_signo == SIGFPE || info->si_signo == SIGTRAP)
      signal.address = reinterpret_cast<std::uint64_t>(info->si_addr);
    image.signal = signal;
  }

  void notes(Bytes segment) {
    std::uint64_t at = 0;
    while (segment.size() - at >= sizeof(Elf64_Nhdr)) {
      const auto header = *load<Elf64_Nhdr>(segment, at);
      const std::uint64_t name_at = at + sizeof(Elf64_Nhdr);
      const std::uint64_t desc_at = name_at + ((std::uint64_t{header.n_namesz} + 3) & ~std::uint64_t{3});
      const std::uint64_t next = desc_at + ((std::uint64_t{header.n_descsz} + 3) & ~std::uint64_t{3});
      if (desc_at + header.n_descsz > segment.size()) {
        image.warnings.push_back("a note claims " + std::to_string(header.n_descsz) +
                                 " bytes, more than its segment holds: the notes from there on are ignored");
        return;
      }
      std::string_view name(reinterpret_cast<const char*>(segment.data() + name_at), header.n_namesz);
      if (!name.empty() && name.back() == '\0') name.remove_suffix(1);
      const Bytes desc = segment.subspan(static_cast<std::size_t>(desc_at), header.n_descsz);
      if (name == "CORE") {
        switch (header.n_type) {
          case NT_PRSTATUS: prstatus(desc); break;
          case NT_PRPSINFO: prpsinfo(desc); break;
          case NT_AUXV: image.auxv.assign(reinterpret_cast<const char*>(desc.data()), desc.size()); break;
          case NT_FILE: nt_file(desc); break;
          case NT_SIGINFO: siginfo(desc); break;
          default: break;
        }
      } else if (name == gmr_note_name && header.n_type == gmr_note_type) {
        image.gmr_note = std::string_view(reinterpret_cast<const char*>(desc.data()), desc.size());
      }
      at = std::min<std::uint64_t>(next, segment.size());
    }
  }
};

}  // namespace

Parsed<CoreImage> parse_core(Bytes file) {
  const auto ehdr = load<Elf64_Ehdr>(file, 0);
  if (!ehdr || std::memcmp(ehdr->e_ident, ELFMAG, SELFMAG) != 0) return parse_error("not an ELF file");
  if (ehdr->e_ident[EI_CLASS] != ELFCLASS64 || ehdr->e_ident[EI_DATA] != ELFDATA2LSB)
    return parse_error("not a 64-bit little-endian ELF file");
  if (ehdr->e_type != ET_CORE) return parse_error("not a core file (ELF type " + std::to_string(ehdr->e_type) + ")");
  if (ehdr->e_machine != EM_X86_64)
    return parse_error("not an x86-64 core (ELF machine " + std::to_string(ehdr->e_machine) + ")");
  if (ehdr->e_phentsize != sizeof(Elf64_Phdr)) return parse_error("program headers of an unknown size");
  std::uint64_t count = ehdr->e_phnum;
  if (count == PN_XNUM) {  // the real count is in section header 0's sh_info
    const auto section = ehdr->e_shoff == 0 ? std::nullopt : load<Elf64_Shdr>(file, ehdr->e_shoff);
    if (!section) return parse_error("the section header holding the program header count is missing");
    count = section->sh_info;
  }
  if (count > max_core_segments)
    return parse_error("the core claims " + std::to_string(count) + " program headers, more than " +
                           std::to_string(max_core_segments));
  if (ehdr->e_phoff > file.size() || (file.size() - ehdr->e_phoff) / sizeof(Elf64_Phdr) < count)
    return parse_error("the program headers run past the end of the file (truncated?)");

  Parser parser;
  CoreImage& image = parser.image;
  for (std::uint64_t i = 0; i < count; ++i) {
    const auto phdr = *load<Elf64_Phdr>(file, ehdr->e_phoff + i * sizeof(Elf64_Phdr));
    if (phdr.p_type == PT_NOTE) {
      const Bytes notes = slice(file, phdr.p_offset, phdr.p_filesz);
      if (notes.size() < phdr.p_filesz) image.warnings.push_back("a note segment is cut short by the end of the file");
      parser.notes(notes);
    } else if (phdr.p_type == PT_LOAD) {
      if (phdr.p_memsz == 0) continue;
      if (phdr.p_vaddr + phdr.p_memsz < phdr.p_vaddr) {
        image.warnings.push_back("a memory segment wraps around the address space: skipped");
        continue;
      }
      const Bytes bytes = slice(file, phdr.p_offset, std::min(phdr.p_filesz, phdr.p_memsz));
      if (bytes.size() < std::min(phdr.p_filesz, phdr.p_memsz))
        image.warnings.push_back("the memory segment at " + hex(phdr.p_vaddr) + " is cut short by the end of the file");
      image.segments.push_back({phdr.p_vaddr, phdr.p_memsz, bytes, phdr.p_flags});
    }
  }
  std::ranges::stable_sort(image.segments, {}, &CoreSegment::start);
  return std::move(parser.image);
}

std::span<const std::byte> CoreImage::segment_bytes_from(std::uint64_t start, std::uint64_t max) const {
  auto it = std::ranges::upper_bound(segments, start, {}, &CoreSegment::start);
  if (it == segments.begin()) return {};
  --it;
  if (start - it->start >= it->bytes.size()) return {};
  const auto offset = static_cast<std::size_t>(start - it->start);
  return it->bytes.subspan(offset, static_cast<std::size_t>(std::min<std::uint64_t>(max, it->bytes.size() - offset)));
}

std::optional<std::vector<std::byte>> CoreImage::read(std::uint64_t start, std::uint64_t size) const {
  // Check that all of it is present before allocating: a size from a hostile note may be anything.
  std::uint64_t covered = 0;
  while (covered < size) {
    const auto piece = segment_bytes_from(start + covered, size - covered);
    if (piece.empty()) return std::nullopt;
    covered += piece.size();
  }
  std::vector<std::byte> out;
  out.reserve(static_cast<std::size_t>(size));
  while (out.size() < size) {
    const auto piece = segment_bytes_from(start + out.size(), size - out.size());
    out.insert(out.end(), piece.begin(), piece.end());
  }
  return out;
}

}  // namespace gmr::core
