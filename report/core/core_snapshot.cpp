#include "report/core/core_snapshot.hpp"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <sstream>

#include "attach/auxv.hpp"
#include "report/core/core_layout.hpp"

namespace gmr::core {
namespace {

constexpr std::uint64_t red_zone = 128;

std::string perms_of(std::uint32_t flags) {
  std::string perms = "---p";
  if (flags & PF_R) perms[0] = 'r';
  if (flags & PF_W) perms[1] = 'w';
  if (flags & PF_X) perms[2] = 'x';
  return perms;
}

const CoreSegment* segment_at(const CoreImage& image, std::uint64_t address) {
  auto it = std::ranges::upper_bound(image.segments, address, {}, &CoreSegment::start);
  if (it == image.segments.begin()) return nullptr;
  --it;
  return address - it->start < it->size ? &*it : nullptr;
}

attach::Maps maps_of(const CoreImage& image, std::optional<std::uint64_t> vdso) {
  std::vector<attach::Mapping> mappings;
  std::map<std::uint64_t, const CoreSegment*> by_start;
  for (const auto& segment : image.segments) by_start.emplace(segment.start, &segment);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> file_ranges;
  std::map<std::string, std::uint64_t> inodes;  // one per distinct path: the mappings of one file
  for (const auto& file : image.files) {
    const std::uint64_t position = inodes.try_emplace(file.path, inodes.size() + 1).first->second;
    attach::Mapping m;
    m.start = file.start;
    m.end = file.end;
    auto segment = by_start.find(file.start);
    m.perms = segment != by_start.end() ? perms_of(segment->second->flags) : "r--p";
    m.offset = file.offset;
    m.device = "00:00";
    m.inode = position;
    m.path = file.path;
    if (m.path.ends_with(" (deleted)")) {
      m.path.resize(m.path.size() - 10);
      m.deleted = true;
    }
    file_ranges.emplace_back(file.start, file.end);
    mappings.push_back(std::move(m));
  }
  std::ranges::sort(file_ranges);
  for (const auto& segment : image.segments) {
    const std::uint64_t end = segment.start + segment.size;
    auto it = std::ranges::upper_bound(file_ranges, std::pair{end, std::uint64_t{0}});
    const bool in_file = it != file_ranges.begin() && std::prev(it)->second > segment.start;
    if (in_file) continue;
    attach::Mapping m;
    m.start = segment.start;
    m.end = end;
    m.perms = perms_of(segment.flags);
    if (vdso && *vdso == segment.start) m.path = "[vdso]";
    mappings.push_back(std::move(m));
  }
  return attach::Maps(std::move(mappings));
}

std::vector<std::string> words_of(const std::string& args) {
  std::vector<std::string> words;
  std::istringstream in(args);
  std::string word;
  while (in >> word) words.push_back(word);
  return words;
}

/// A thread's stack as the core holds it: from SP minus the red zone (not below its segment) to the end of
/// the bytes present, at most `max` bytes.
std::optional<attach::MemoryCopy> stack_of(const CoreImage& image, std::uint64_t sp, std::size_t max) {
  const CoreSegment* segment = segment_at(image, sp);
  if (segment == nullptr) return std::nullopt;
  const std::uint64_t from = sp - segment->start >= red_zone ? sp - red_zone : segment->start;
  const auto bytes = image.segment_bytes_from(from, max);
  if (bytes.empty()) return std::nullopt;
  return attach::MemoryCopy{from, std::vector<std::byte>(bytes.begin(), bytes.end())};
}

CoreSnapshot other_core(const CoreImage& image, const CoreReadOptions& options) {
  CoreSnapshot out;
  out.python = NotePython{};
  attach::Snapshot& snap = out.snapshot;
  snap.pid = image.process ? image.process->pid : image.threads.empty() ? 0 : image.threads.front().tid;
  if (image.process) {
    snap.cmdline = words_of(image.process->args);
    snap.uid = image.process->uid;
  }
  snap.captured_at = options.written_at;
  snap.fd_targets_read = false;  // a core records no fd links
  const auto vdso = attach::auxv_value(image.auxv, AT_SYSINFO_EHDR);
  snap.maps = maps_of(image, vdso);
  // The executable: the file mapping that holds the program headers (AT_PHDR), else the entry point.
  for (std::uint64_t type : {std::uint64_t{AT_PHDR}, std::uint64_t{AT_ENTRY}}) {
    if (snap.exe_path) break;
    if (auto address = attach::auxv_value(image.auxv, type))
      if (const attach::Mapping* m = snap.maps.find(*address); m != nullptr && m->file_backed()) {
        snap.exe_path = m->path;
        snap.exe_deleted = m->deleted;
      }
  }
  if (!snap.exe_path && !image.files.empty()) snap.exe_path = image.files.front().path;
  if (vdso)
    if (const CoreSegment* segment = segment_at(image, *vdso); segment != nullptr && !segment->bytes.empty())
      snap.vdso = attach::MemoryCopy{segment->start, std::vector<std::byte>(segment->bytes.begin(), segment->bytes.end())};

  for (const auto& core_thread : image.threads) {
    attach::ThreadSnapshot thread;
    thread.facts.tid = core_thread.tid;
    if (image.process && core_thread.tid == image.process->pid && !image.process->name.empty())
      thread.facts.name = image.process->name;
    thread.facts.cpu_user = std::chrono::microseconds(core_thread.user_us);
    thread.facts.cpu_system = std::chrono::microseconds(core_thread.system_us);
    thread.freeze = attach::FreezeState::frozen;
    thread.registers = core_thread.registers;
    thread.stack = stack_of(image, core_thread.registers.rsp, options.max_stack);
    if (!thread.stack)
      thread.error = attach::ThreadCopyError{.kind = attach::ThreadCopyError::Kind::stack_not_captured,
                                             .address = core_thread.registers.rsp};
    if (core_thread.signal != 0 && !out.signal_thread) {
      out.signal_thread = core_thread.tid;
      out.signal = image.signal.value_or(CoreSignal{.signo = core_thread.signal, .code = 0, .address = std::nullopt});
      thread.stop_kind = attach::StopKind::core_signal;
      thread.pending_signal = core_thread.signal;
    }
    snap.threads.push_back(std::move(thread));
  }
  std::ranges::stable_sort(snap.threads, [&](const auto& a, const auto& b) {
    const bool a_leader = a.facts.tid == snap.pid, b_leader = b.facts.tid == snap.pid;
    return a_leader != b_leader ? a_leader : a.facts.tid < b.facts.tid;
  });
  if (image.process) {
    attach::ProcessFacts process;
    process.pid = image.process->pid;
    process.ppid = image.process->ppid;
    process.uid = image.process->uid;
    if (image.process->state != 0) process.state = image.process->state;
    if (!image.process->name.empty()) process.name = image.process->name;
    process.cmdline = snap.cmdline;
    snap.processes.push_back(std::move(process));
  }
  return out;
}

Parsed<CoreSnapshot> gmr_core(const CoreImage& image, std::uint64_t file_size) {
  // Each reference is resolved from the segments; together they may not take more than twice the file
  // (gmr's own copies overlap little), whatever the note claims.
  const std::uint64_t budget = 2 * file_size + (1u << 20);
  std::uint64_t spent = 0;
  const MemoryLookup lookup = [&](std::uint64_t start, std::uint64_t size) -> std::optional<attach::MemoryCopy> {
    if (size > budget - spent) return std::nullopt;
    auto bytes = image.read(start, size);
    if (!bytes) return std::nullopt;
    spent += size;
    return attach::MemoryCopy{start, std::move(*bytes)};
  };
  if (image.gmr_note->size() > max_note_bytes)
    return parse_error("the gmr note is larger than " + std::to_string(max_note_bytes) + " bytes");
  auto note = read_snapshot_note(*image.gmr_note, lookup);
  if (!note) return parse_error(note.error());
  CoreSnapshot out;
  out.snapshot = std::move(note->snapshot);
  out.build_ids = std::move(note->build_ids);
  out.gmr_version = std::move(note->gmr_version);
  out.python = note->python;
  if (note->missing_memory > 0)
    out.warnings.push_back(std::to_string(note->missing_memory) +
                           " copies of memory the gmr note names are not in the core's segments");
  std::map<pid_t, const CoreThread*> registers;
  for (const auto& thread : image.threads) registers.emplace(thread.tid, &thread);
  for (auto& thread : out.snapshot.threads) {
    auto found = registers.find(thread.facts.tid);
    if (found != registers.end()) thread.registers = found->second->registers;
  }
  return out;
}

}  // namespace

Parsed<CoreSnapshot> snapshot_from_core(const CoreImage& image, std::uint64_t file_size,
                                                            const CoreReadOptions& options) {
  Parsed<CoreSnapshot> out =
      image.gmr_note ? gmr_core(image, file_size) : Parsed<CoreSnapshot>(other_core(image, options));
  if (!out) return out;
  if (out->snapshot.threads.empty()) return parse_error("the core holds no thread");
  out->warnings.insert(out->warnings.begin(), image.warnings.begin(), image.warnings.end());
  return out;
}

}  // namespace gmr::core
