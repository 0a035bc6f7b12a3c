#include "report/core/snapshot_note.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include <nlohmann/json.hpp>

#include "report/core/core_layout.hpp"
#include "report/core/note_names.hpp"

namespace gmr::core {
namespace {

using nlohmann::json;
using namespace note_names;


struct NoteError {
  std::string message;
};

[[noreturn]] void fail(std::string message) { throw NoteError{std::move(message)}; }

const json& member(const json& object, const char* key) {
  if (!object.is_object()) fail(std::string("expected an object holding \"") + key + "\"");
  auto it = object.find(key);
  if (it == object.end()) fail(std::string("\"") + key + "\" is missing");
  return *it;
}

bool is_null(const json& object, const char* key) {
  if (!object.is_object()) return true;
  auto it = object.find(key);
  return it == object.end() || it->is_null();
}

template <typename T>
T integer(const json& value, const char* key) {
  if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) fail(std::string("\"") + key + "\" is out of range");
    return static_cast<T>(v);
  }
  if (value.is_number_integer()) {
    const auto v = value.get<std::int64_t>();
    if constexpr (std::is_signed_v<T>) {
      if (v < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
          v > static_cast<std::int64_t>(std::numeric_limits<T>::max()))
        fail(std::string("\"") + key + "\" is out of range");
    } else {
      if (v < 0) fail(std::string("\"") + key + "\" is negative");
    }
    return static_cast<T>(v);
  }
  fail(std::string("\"") + key + "\" is not an integer");
}

template <typename T>
T get_int(const json& object, const char* key) {
  return integer<T>(member(object, key), key);
}

template <typename T>
std::optional<T> opt_int(const json& object, const char* key) {
  if (is_null(object, key)) return std::nullopt;
  return get_int<T>(object, key);
}

bool get_bool(const json& object, const char* key) {
  const json& v = member(object, key);
  if (!v.is_boolean()) fail(std::string("\"") + key + "\" is not a boolean");
  return v.get<bool>();
}

std::string from_text(const json& v, const char* key) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("hex") && v.at("hex").is_string()) {
    const auto& hex = v.at("hex").get_ref<const std::string&>();
    if (hex.size() % 2 != 0) fail(std::string("\"") + key + "\" has an odd hex length");
    std::string out;
    out.reserve(hex.size() / 2);
    auto nibble = [&](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      fail(std::string("\"") + key + "\" is not hex");
    };
    for (std::size_t i = 0; i < hex.size(); i += 2) out += static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
    return out;
  }
  fail(std::string("\"") + key + "\" is not a string");
}

std::string get_text(const json& object, const char* key) { return from_text(member(object, key), key); }

std::optional<std::string> opt_text(const json& object, const char* key) {
  if (is_null(object, key)) return std::nullopt;
  return get_text(object, key);
}

std::vector<std::string> get_texts(const json& object, const char* key) {
  const json& list = member(object, key);
  if (!list.is_array()) fail(std::string("\"") + key + "\" is not an array");
  std::vector<std::string> out;
  for (const auto& v : list) out.push_back(from_text(v, key));
  return out;
}

const json& array(const json& object, const char* key, std::size_t limit) {
  const json& list = member(object, key);
  if (!list.is_array()) fail(std::string("\"") + key + "\" is not an array");
  if (list.size() > limit) fail(std::string("\"") + key + "\" has more than " + std::to_string(limit) + " entries");
  return list;
}

std::optional<char> opt_letter(const json& object, const char* key) {
  auto s = opt_text(object, key);
  if (!s) return std::nullopt;
  if (s->size() != 1) fail(std::string("\"") + key + "\" is not one letter");
  return s->front();
}

template <typename E, std::size_t N>
E enum_of(const std::pair<E, const char*> (&table)[N], const json& object, const char* key) {
  const std::string name = get_text(object, key);
  for (const auto& [v, n] : table)
    if (name == n) return v;
  fail(std::string("\"") + key + "\" has an unknown value");
}

class Resolver {
 public:
  explicit Resolver(const MemoryLookup& memory) : memory_(memory) {}
  std::optional<attach::MemoryCopy> copy(const json& ref) {
    if (ref.is_null()) return std::nullopt;
    if (!ref.is_array() || ref.size() != 2) fail("a memory reference is not [start, size]");
    const auto start = integer<std::uint64_t>(ref[0], "start");
    const auto size = integer<std::uint64_t>(ref[1], "size");
    auto found = memory_(start, size);
    if (!found) ++missing;
    return found;
  }
  std::optional<attach::MemoryCopy> copy_at(const json& object, const char* key) {
    return is_null(object, key) ? std::nullopt : copy(member(object, key));
  }
  std::size_t missing = 0;

 private:
  const MemoryLookup& memory_;
};

attach::ThreadSnapshot read_thread(const json& j, Resolver& memory) {
  attach::ThreadSnapshot t;
  t.facts.tid = get_int<pid_t>(j, "tid");
  t.facts.name = opt_text(j, "name");
  t.facts.state = opt_letter(j, "state");
  if (auto us = opt_int<std::int64_t>(j, "utime_us")) t.facts.cpu_user = std::chrono::microseconds(*us);
  if (auto us = opt_int<std::int64_t>(j, "stime_us")) t.facts.cpu_system = std::chrono::microseconds(*us);
  t.facts.wchan = opt_text(j, "wchan");
  if (!is_null(j, "syscall")) {
    const json& s = member(j, "syscall");
    attach::SyscallLine line;
    if (s.is_string() && s.get_ref<const std::string&>() == "running") {
      line.running = true;
    } else {
      if (!s.is_array() || s.size() != 9) fail("\"syscall\" is neither \"running\" nor 9 values");
      if (!s[0].is_null()) line.number = integer<long>(s[0], "syscall");
      for (std::size_t i = 0; i < 6; ++i) line.args[i] = integer<std::uint64_t>(s[i + 1], "syscall");
      if (!s[7].is_null()) line.sp = integer<std::uint64_t>(s[7], "syscall");
      if (!s[8].is_null()) line.pc = integer<std::uint64_t>(s[8], "syscall");
    }
    t.facts.syscall = line;
  }
  t.facts_before_freeze = is_null(j, "late") || !get_bool(j, "late");
  t.freeze = is_null(j, "freeze") ? attach::FreezeState::frozen : enum_of(freeze_names, j, "freeze");
  if (j.contains("stop")) {
    if (!is_null(j, "stop")) t.stop_kind = enum_of(stop_names, j, "stop");
  } else if (t.freeze == attach::FreezeState::frozen) {
    t.stop_kind = attach::StopKind::interrupt;
  }
  t.pending_signal = opt_int<int>(j, "signal");
  t.stack = memory.copy_at(j, "stack");
  t.stack_truncated = !is_null(j, "stack_truncated") && get_bool(j, "stack_truncated");
  t.interrupted_stack = memory.copy_at(j, "interrupted_stack");
  t.syscall_memory = memory.copy_at(j, "syscall_memory");
  if (!is_null(j, "pointed_words"))
    for (const auto& w : array(j, "pointed_words", max_core_segments))
      if (auto copy = memory.copy(w)) t.pointed_words.push_back(std::move(*copy));
  if (!is_null(j, "error")) {
    const json& e = member(j, "error");
    t.error = attach::ThreadCopyError{.kind = enum_of(copy_error_names, e, "kind"),
                                      .errno_value = opt_int<int>(e, "errno"),
                                      .address = opt_int<std::uint64_t>(e, "address")};
  }
  return t;
}

attach::Mapping read_mapping(const json& j) {
  if (!j.is_array() || (j.size() != 7 && j.size() != 8)) fail("a mapping is not [start, end, perms, offset, device, inode, path]");
  attach::Mapping m;
  m.start = integer<std::uint64_t>(j[0], "start");
  m.end = integer<std::uint64_t>(j[1], "end");
  if (m.end < m.start) fail("a mapping ends before it starts");
  m.perms = from_text(j[2], "perms");
  m.offset = integer<std::uint64_t>(j[3], "offset");
  m.device = from_text(j[4], "device");
  m.inode = integer<std::uint64_t>(j[5], "inode");
  m.path = from_text(j[6], "path");
  m.deleted = j.size() == 8 && j[7].is_boolean() && j[7].get<bool>();
  return m;
}

attach::SymbolValue read_symbol(const json& j, Resolver& memory) {
  attach::SymbolValue v;
  const json& s = member(j, "symbol");
  v.symbol.name = get_text(s, "name");
  v.symbol.module = get_text(s, "module");
  v.symbol.address = get_int<std::uint64_t>(s, "address");
  v.symbol.layout = enum_of(value_layout_names, s, "layout");
  v.symbol.size = get_int<std::size_t>(s, "size");
  v.symbol.type_name = get_text(s, "type_name");
  v.symbol.refused = opt_text(s, "refused");
  if (!is_null(j, "text")) {
    const json& t = member(j, "text");
    if (t.is_object() && t.contains("inline")) {
      v.text = get_text(t, "inline");
    } else if (auto copy = memory.copy(t)) {
      v.text.emplace(reinterpret_cast<const char*>(copy->bytes.data()), copy->bytes.size());
    }
  }
  v.truncated = get_bool(j, "truncated");
  v.data_address = opt_int<std::uint64_t>(j, "data_address");
  v.error = opt_text(j, "error");
  return v;
}

attach::Snapshot read_snapshot(const json& j, Resolver& memory) {
  attach::Snapshot snap;
  snap.pid = get_int<pid_t>(j, "pid");
  snap.cmdline = get_texts(j, "cmdline");
  snap.exe_path = opt_text(j, "exe_path");
  snap.exe_deleted = get_bool(j, "exe_deleted");
  snap.uid = opt_int<uid_t>(j, "uid");
  snap.kernel_release = get_text(j, "kernel_release");
  snap.shares_gmr_root = get_bool(j, "shares_gmr_root");
  snap.captured_at = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(get_int<std::int64_t>(j, "captured_at_ns"))));
  snap.stop_window = std::chrono::nanoseconds(get_int<std::int64_t>(j, "stop_window_ns"));
  snap.was_group_stopped = get_bool(j, "was_group_stopped");
  snap.freeze_timeout = std::chrono::milliseconds(get_int<std::int64_t>(j, "freeze_timeout_ms"));
  snap.threads_vanished = get_int<std::size_t>(j, "threads_vanished");
  for (const auto& t : array(j, "threads", max_core_threads)) snap.threads.push_back(read_thread(t, memory));
  std::ranges::sort(snap.threads, [&](const auto& a, const auto& b) {
    // Leader first, then by tid (as capture() orders them).
    const bool a_leader = a.facts.tid == snap.pid, b_leader = b.facts.tid == snap.pid;
    return a_leader != b_leader ? a_leader : a.facts.tid < b.facts.tid;
  });
  std::vector<attach::Mapping> mappings;
  for (const auto& m : array(j, "maps", max_core_mappings)) mappings.push_back(read_mapping(m));
  snap.maps = attach::Maps(std::move(mappings));
  snap.vdso = memory.copy_at(j, "vdso");
  for (const auto& p : array(j, "processes", max_core_threads)) {
    attach::ProcessFacts facts;
    facts.pid = get_int<pid_t>(p, "pid");
    facts.ppid = get_int<pid_t>(p, "ppid");
    facts.depth = get_int<int>(p, "depth");
    facts.uid = opt_int<uid_t>(p, "uid");
    facts.state = opt_letter(p, "state");
    facts.name = opt_text(p, "name");
    facts.cmdline = get_texts(p, "cmdline");
    snap.processes.push_back(std::move(facts));
  }
  for (const auto& fd : array(j, "fd_targets", max_core_mappings))
    snap.fd_targets.push_back({.fd = get_int<int>(fd, "fd"), .target = opt_text(fd, "target")});
  for (const auto& s : array(j, "symbols", max_core_threads)) snap.symbols.push_back(read_symbol(s, memory));
  for (const auto& f : array(j, "sidecars", max_core_threads)) {
    attach::SidecarFile file;
    file.path = get_text(f, "path");
    file.found_by = get_text(f, "found_by");
    file.resolved = opt_text(f, "resolved");
    file.content = opt_text(f, "content");
    file.truncated = get_bool(f, "truncated");
    file.error = opt_text(f, "error");
    snap.sidecars.push_back(std::move(file));
  }
  for (const auto& c : array(j, "interpreter_memory", max_core_segments))
    if (auto copy = memory.copy(c)) snap.interpreter_memory.push_back(std::move(*copy));
  if (!is_null(j, "frozen_step")) {
    const json& s = member(j, "frozen_step");
    attach::FrozenReadStats stats;
    stats.duration = std::chrono::nanoseconds(get_int<std::int64_t>(s, "duration_ns"));
    stats.cpu = std::chrono::nanoseconds(get_int<std::int64_t>(s, "cpu_ns"));
    stats.pages = get_int<std::size_t>(s, "pages");
    stats.read_calls = get_int<std::size_t>(s, "read_calls");
    stats.unreadable_pages = get_int<std::size_t>(s, "unreadable_pages");
    stats.budget = get_int<std::size_t>(s, "budget");
    stats.budget_hit = get_bool(s, "budget_hit");
    stats.error = opt_text(s, "error");
    snap.frozen_step = stats;
  }
  return snap;
}

}  // namespace

Parsed<NoteContents> read_snapshot_note(std::string_view text, const MemoryLookup& memory) {
  const json note = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (note.is_discarded()) return parse_error("gmr note: not valid JSON");
  try {
    const auto layout = get_int<int>(note, "layout");
    if (layout > gmr_note_layout)
      return parse_error("gmr note: layout " + std::to_string(layout) + " is newer than this gmr reads (" +
                             std::to_string(gmr_note_layout) + ")");
    if (layout < 1) return parse_error("gmr note: layout " + std::to_string(layout) + " is not a layout");
    NoteContents contents;
    contents.gmr_version = get_text(note, "gmr_version");
    Resolver resolver(memory);
    contents.snapshot = read_snapshot(member(note, "snapshot"), resolver);
    contents.missing_memory = resolver.missing;
    const json& ids = member(note, "build_ids");
    if (!ids.is_object()) fail("\"build_ids\" is not an object");
    for (const auto& [path, id] : ids.items())
      if (id.is_string()) contents.build_ids[path] = id.get<std::string>();
    if (layout >= 2) {
      if (!is_null(note, "python")) contents.python = NotePython{.green_threads = get_bool(member(note, "python"), "green_threads")};
    } else if (contents.snapshot.frozen_step) {
      contents.python = NotePython{};
    }
    return contents;
  } catch (const NoteError& e) {
    return parse_error("gmr note: " + e.message);
  } catch (const nlohmann::json::exception& e) {
    return parse_error(std::string("gmr note: ") + e.what());
  }
}

}  // namespace gmr::core
