#include "report/core/core_writer.hpp"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/procfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "report/core/core_layout.hpp"
#include "report/core/core_memory.hpp"

namespace gmr::core {

struct CoreFileAccess {
  static int fd(const CoreFile& file) { return file.fd_; }
  static void keep(CoreFile& file) { file.keep_ = true; }
  /// Closes the file now: a write error may surface only here (NFS). The file stays (removed by the
  /// destructor unless kept).
  static bool close(CoreFile& file) { return ::close(std::exchange(file.fd_, -1)) == 0; }
};

namespace {

constexpr std::uint64_t page_size = 4096;  // x86-64; NT_FILE counts file offsets in these

CoreWriteError error_of(CoreWriteError::Kind kind, const std::string& path, const std::string& what, int error) {
  return {kind, path + ": " + what + ": " + std::strerror(error), error};
}

// ---- notes ----

void put_note(std::vector<std::byte>& out, std::string_view name, std::uint32_t type, std::span<const std::byte> desc) {
  auto pad = [&] {
    while (out.size() % 4 != 0) out.push_back(std::byte{0});
  };
  Elf64_Nhdr header{static_cast<Elf64_Word>(name.size() + 1), static_cast<Elf64_Word>(desc.size()), type};
  const auto* h = reinterpret_cast<const std::byte*>(&header);
  out.insert(out.end(), h, h + sizeof header);
  const auto* n = reinterpret_cast<const std::byte*>(name.data());
  out.insert(out.end(), n, n + name.size());
  out.push_back(std::byte{0});
  pad();
  out.insert(out.end(), desc.begin(), desc.end());
  pad();
}

template <typename T>
std::span<const std::byte> bytes_of(const T& value) {
  return std::as_bytes(std::span<const T, 1>(&value, 1));
}

timeval to_timeval(const std::optional<std::chrono::microseconds>& time) {
  if (!time) return {};
  return {static_cast<time_t>(time->count() / 1'000'000), static_cast<suseconds_t>(time->count() % 1'000'000)};
}

std::optional<pid_t> parent_of(const attach::Snapshot& snapshot) {
  for (const auto& p : snapshot.processes)
    if (p.pid == snapshot.pid) return p.ppid;
  return std::nullopt;
}

elf_prstatus prstatus_of(const attach::Snapshot& snapshot, const attach::ThreadSnapshot& thread) {
  elf_prstatus status;
  std::memset(&status, 0, sizeof status);
  if (thread.stop_kind == attach::StopKind::signal_delivery && thread.pending_signal) {
    status.pr_cursig = static_cast<short>(*thread.pending_signal);
    status.pr_info.si_signo = *thread.pending_signal;
  }
  status.pr_pid = thread.facts.tid;
  status.pr_ppid = parent_of(snapshot).value_or(0);
  status.pr_utime = to_timeval(thread.facts.cpu_user);
  status.pr_stime = to_timeval(thread.facts.cpu_system);
  static_assert(sizeof status.pr_reg == sizeof(user_regs_struct));
  std::memcpy(&status.pr_reg, &*thread.registers, sizeof status.pr_reg);
  return status;
}

elf_prpsinfo prpsinfo_of(const attach::Snapshot& snapshot) {
  elf_prpsinfo info;
  std::memset(&info, 0, sizeof info);
  const attach::ThreadSnapshot* leader = nullptr;
  for (const auto& t : snapshot.threads)
    if (t.facts.tid == snapshot.pid) leader = &t;
  if (leader != nullptr && leader->facts.state) {
    static constexpr std::string_view states = "RSDTZW";  // the kernel's numeric order
    info.pr_sname = *leader->facts.state;
    const auto at = states.find(*leader->facts.state);
    info.pr_state = static_cast<char>(at == std::string_view::npos ? 0 : at);
  }
  info.pr_uid = snapshot.uid.value_or(0);
  info.pr_pid = snapshot.pid;
  info.pr_ppid = parent_of(snapshot).value_or(0);
  if (leader != nullptr && leader->facts.name)
    std::memcpy(info.pr_fname, leader->facts.name->data(), std::min(leader->facts.name->size(), sizeof info.pr_fname - 1));
  std::string args;
  for (const auto& word : snapshot.cmdline) args += (args.empty() ? "" : " ") + word;
  std::memcpy(info.pr_psargs, args.data(), std::min(args.size(), sizeof info.pr_psargs - 1));
  return info;
}

// NT_FILE: count, page size, then {start, end, offset in pages} per file mapping, then their paths.
std::vector<std::byte> nt_file_of(const attach::Maps& maps) {
  std::vector<std::uint64_t> words{0, page_size};
  std::string names;
  for (const auto& m : maps) {
    if (!m.file_backed()) continue;
    words.insert(words.end(), {m.start, m.end, m.offset / page_size});
    names += m.path;
    if (m.deleted) names += " (deleted)";
    names += '\0';
    ++words[0];
  }
  // The ranges come first, all of them: move the names after.
  std::vector<std::uint64_t> ordered{words[0], words[1]};
  ordered.insert(ordered.end(), words.begin() + 2, words.end());
  std::vector<std::byte> out(ordered.size() * 8 + names.size());
  std::memcpy(out.data(), ordered.data(), ordered.size() * 8);
  std::memcpy(out.data() + ordered.size() * 8, names.data(), names.size());
  return out;
}

std::vector<std::byte> notes_of(const attach::Snapshot& snapshot, const CoreContents& contents, std::string_view gmr_note) {
  std::vector<std::byte> out;
  // The leader's NT_PRSTATUS first: readers take the first thread as the current one.
  std::vector<const attach::ThreadSnapshot*> threads;
  for (const auto& t : snapshot.threads)
    if (t.freeze == attach::FreezeState::frozen && t.registers) threads.push_back(&t);
  std::ranges::stable_sort(threads, [&](const auto* a, const auto* b) {
    return (a->facts.tid == snapshot.pid) > (b->facts.tid == snapshot.pid);
  });
  bool first = true;
  for (const auto* t : threads) {
    const elf_prstatus status = prstatus_of(snapshot, *t);
    put_note(out, "CORE", NT_PRSTATUS, bytes_of(status));
    if (!first) continue;
    first = false;
    const elf_prpsinfo info = prpsinfo_of(snapshot);
    put_note(out, "CORE", NT_PRPSINFO, bytes_of(info));
    if (!contents.auxv.empty()) put_note(out, "CORE", NT_AUXV, std::as_bytes(std::span(contents.auxv)));
    put_note(out, "CORE", NT_FILE, nt_file_of(snapshot.maps));
  }
  if (first) {  // no thread with registers: still the process
    const elf_prpsinfo info = prpsinfo_of(snapshot);
    put_note(out, "CORE", NT_PRPSINFO, bytes_of(info));
    if (!contents.auxv.empty()) put_note(out, "CORE", NT_AUXV, std::as_bytes(std::span(contents.auxv)));
    put_note(out, "CORE", NT_FILE, nt_file_of(snapshot.maps));
  }
  put_note(out, gmr_note_name, gmr_note_type, std::as_bytes(std::span(gmr_note)));
  return out;
}

// ---- output ----

class Writer {
 public:
  Writer(int fd, std::uint64_t offset) : fd_(fd), offset_(offset) {}
  bool put(std::span<const std::byte> bytes) {
    while (!bytes.empty()) {
      if (buffer_.size() == buffer_.capacity() && !flush()) return false;
      const std::size_t n = std::min(bytes.size(), buffer_.capacity() - buffer_.size());
      buffer_.insert(buffer_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
      bytes = bytes.subspan(n);
    }
    return true;
  }
  bool zeros(std::size_t n) {
    static constexpr std::byte none[8]{};
    return put(std::span(none, n));
  }
  bool flush() {
    std::size_t done = 0;
    while (done < buffer_.size()) {
      const ssize_t n = ::pwrite(fd_, buffer_.data() + done, buffer_.size() - done, static_cast<off_t>(offset_));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (n == 0) errno = EIO;
        return false;
      }
      done += static_cast<std::size_t>(n);
      offset_ += static_cast<std::uint64_t>(n);
    }
    buffer_.clear();
    return true;
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

 private:
  int fd_;
  std::uint64_t offset_;
  std::vector<std::byte> buffer_ = [] {
    std::vector<std::byte> b;
    b.reserve(1 << 20);
    return b;
  }();
};

std::uint64_t file_size_of(const MemoryRun& run) {
  std::uint64_t size = 0;
  for (const auto& piece : run.pieces) size += piece.bytes.size();
  return size;
}


constexpr std::uint64_t page = 4096;
constexpr std::byte zero_page[page]{};

// The PT_LOAD segments, sorted by address: the runs of copied memory, the dynamic linker's list and each
// module's first page (its bytes are the file's: the mapping from offset 0 is read-only).
//
// libdwfl (0.188) rounds every segment's start down to the page (__libdwfl_segment_start) and reads at
// p_offset + (address - rounded start): a segment must start on a page boundary for it to read the right
// bytes. So two runs that share a page are joined (the bytes between them, which gmr did not copy, are
// zeros), and write_core() starts each run's segment at its page, its file part beginning that many bytes
// before the run's data (bytes of whatever precedes it in the file: not the target's).
struct Loads {
  std::vector<attach::MemoryCopy> extra;  // the runs point into these buffers (a move keeps them in place)
  std::vector<MemoryRun> runs;
};

Loads loads_of(const attach::Snapshot& snapshot, const CoreContents& contents) {
  Loads out;
  out.extra = contents.loader_memory;
  for (const auto& header : contents.modules.headers)
    if (!header.bytes.empty() && header.bytes.size() <= header.mapping_size) out.extra.push_back({header.start, header.bytes});
  std::vector<MemoryRun>& loads = out.runs;
  for (auto& run : memory_runs(snapshot, out.extra)) {
    if (!loads.empty() && (run.start & ~(page - 1)) < loads.back().end) {
      MemoryRun& last = loads.back();
      if (run.start > last.end)
        last.pieces.push_back({last.end, std::span<const std::byte>(zero_page, static_cast<std::size_t>(run.start - last.end))});
      last.pieces.insert(last.pieces.end(), run.pieces.begin(), run.pieces.end());
      last.end = run.end;
      last.flags |= run.flags;
      continue;
    }
    loads.push_back(std::move(run));
  }
  return out;
}

constexpr std::uint64_t align8(std::uint64_t n) { return (n + 7) & ~std::uint64_t{7}; }

struct ElfEnd {
  void operator()(Elf* elf) const { elf_end(elf); }
};

// The ELF header and program headers, through libelf (the layout is ours: ELF_F_LAYOUT).
std::optional<std::string> write_headers(int fd, const std::vector<GElf_Phdr>& phdrs) {
  elf_version(EV_CURRENT);
  std::unique_ptr<Elf, ElfEnd> elf(elf_begin(fd, ELF_C_WRITE, nullptr));
  if (!elf) return elf_errmsg(-1);
  elf_flagelf(elf.get(), ELF_C_SET, ELF_F_LAYOUT);
  if (gelf_newehdr(elf.get(), ELFCLASS64) == nullptr) return elf_errmsg(-1);
  GElf_Ehdr ehdr;
  if (gelf_getehdr(elf.get(), &ehdr) == nullptr) return elf_errmsg(-1);
  ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
  ehdr.e_ident[EI_OSABI] = ELFOSABI_NONE;
  ehdr.e_type = ET_CORE;
  ehdr.e_machine = EM_X86_64;
  ehdr.e_version = EV_CURRENT;
  ehdr.e_phoff = sizeof(Elf64_Ehdr);
  ehdr.e_shoff = 0;
  if (gelf_update_ehdr(elf.get(), &ehdr) == 0) return elf_errmsg(-1);
  if (gelf_newphdr(elf.get(), phdrs.size()) == nullptr) return elf_errmsg(-1);
  for (std::size_t i = 0; i < phdrs.size(); ++i) {
    GElf_Phdr phdr = phdrs[i];
    if (gelf_update_phdr(elf.get(), static_cast<int>(i), &phdr) == 0) return elf_errmsg(-1);
  }
  if (elf_update(elf.get(), ELF_C_WRITE) < 0) return elf_errmsg(-1);
  return std::nullopt;
}

}  // namespace

std::expected<CoreFile, CoreWriteError> CoreFile::create(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    const int error = errno;
    if (error == EEXIST) return std::unexpected(CoreWriteError{CoreWriteError::Kind::exists,
                                                               path + ": exists: a core file is never overwritten", error});
    return std::unexpected(error_of(CoreWriteError::Kind::cannot_create, path, "cannot create the core file", error));
  }
  return CoreFile(path, fd);
}

CoreFile::CoreFile(CoreFile&& other) noexcept
    : path_(std::exchange(other.path_, {})), fd_(std::exchange(other.fd_, -1)), keep_(other.keep_) {}

CoreFile::~CoreFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!keep_ && !path_.empty()) ::unlink(path_.c_str());
}

std::expected<CoreWritten, CoreWriteError> write_core(CoreFile file, const attach::Snapshot& snapshot,
                                                      const CoreContents& contents) {
  const int fd = CoreFileAccess::fd(file);
  const Loads loads = loads_of(snapshot, contents);
  const std::vector<MemoryRun>& runs = loads.runs;
  if (runs.size() + 1 >= PN_XNUM)
    return std::unexpected(CoreWriteError{CoreWriteError::Kind::too_large,
                                          file.path() + ": " + std::to_string(runs.size()) +
                                              " runs of memory are more than an ELF core's program headers hold",
                                          std::nullopt});
  const std::string note = snapshot_note(snapshot, contents.modules.build_ids, contents.gmr_version, contents.python);
  if (note.size() > max_note_bytes)
    return std::unexpected(CoreWriteError{CoreWriteError::Kind::too_large, file.path() + ": the gmr note is too large", std::nullopt});
  const std::vector<std::byte> notes = notes_of(snapshot, contents, note);

  std::vector<GElf_Phdr> phdrs;
  const std::uint64_t notes_offset = align8(sizeof(Elf64_Ehdr) + (runs.size() + 1) * sizeof(Elf64_Phdr));
  phdrs.push_back({.p_type = PT_NOTE, .p_flags = PF_R, .p_offset = notes_offset, .p_vaddr = 0, .p_paddr = 0,
                   .p_filesz = notes.size(), .p_memsz = 0, .p_align = 4});
  // The data starts at least a page into the file, so that every segment's part before its run exists.
  const std::uint64_t data_offset = std::max(align8(notes_offset + notes.size()), page);
  std::uint64_t offset = data_offset;
  CoreWritten written;
  for (const auto& run : runs) {
    const std::uint64_t size = file_size_of(run);
    const std::uint64_t before = run.start & (page - 1);
    phdrs.push_back({.p_type = PT_LOAD, .p_flags = run.flags, .p_offset = offset - before,
                     .p_vaddr = run.start - before, .p_paddr = 0, .p_filesz = size + before,
                     .p_memsz = run.end - run.start + before, .p_align = page});
    offset = align8(offset + size);
    written.memory_bytes += size;
  }
  written.segments = runs.size();
  for (const auto& copy : contents.loader_memory) written.loader_bytes += copy.bytes.size();
  written.copied_bytes = copied_bytes(snapshot);

  if (auto problem = write_headers(fd, phdrs))
    return std::unexpected(CoreWriteError{CoreWriteError::Kind::write_failed,
                                          file.path() + ": cannot write the ELF headers: " + *problem, std::nullopt});
  Writer out(fd, notes_offset);
  bool ok = out.put(notes);
  for (std::uint64_t at = notes_offset + notes.size(); ok && at < data_offset; at += 8)
    ok = out.zeros(static_cast<std::size_t>(std::min<std::uint64_t>(8, data_offset - at)));
  for (const auto& run : runs) {
    if (!ok) break;
    for (const auto& piece : run.pieces) ok = ok && out.put(piece.bytes);
    const std::uint64_t size = file_size_of(run);
    ok = ok && out.zeros(static_cast<std::size_t>(align8(size) - size));
  }
  ok = ok && out.flush();
  if (ok && ::fsync(fd) != 0 && errno != EINVAL) ok = false;
  if (ok && !CoreFileAccess::close(file)) ok = false;
  if (!ok) return std::unexpected(error_of(CoreWriteError::Kind::write_failed, file.path(), "cannot write the core file", errno));
  written.file_bytes = offset;
  CoreFileAccess::keep(file);
  return written;
}

}  // namespace gmr::core
