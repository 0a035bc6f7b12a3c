#include "report/core/snapshot_note.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "report/core/core_layout.hpp"
#include "report/core/note_names.hpp"

namespace gmr::core {
namespace {

using nlohmann::json;
using namespace note_names;

// ---- strings: UTF-8 as JSON strings, anything else as hex ----

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra = 0;
    unsigned char low = 0x80, high = 0xbf;  // bounds of the second byte (no overlongs, no surrogates)
    if (c >= 0xc2 && c <= 0xdf) extra = 1;
    else if (c == 0xe0) extra = 2, low = 0xa0;
    else if (c >= 0xe1 && c <= 0xef) extra = 2, high = c == 0xed ? 0x9f : 0xbf;
    else if (c == 0xf0) extra = 3, low = 0x90;
    else if (c >= 0xf1 && c <= 0xf3) extra = 3;
    else if (c == 0xf4) extra = 3, high = 0x8f;
    else return false;
    if (s.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < low || b > high) : (b < 0x80 || b > 0xbf)) return false;
    }
    i += extra + 1;
  }
  return true;
}

json text(const std::string& s) {
  if (valid_utf8(s)) return s;
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(s.size() * 2);
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    hex += digits[c >> 4];
    hex += digits[c & 0xf];
  }
  return json{{"hex", hex}};
}

json texts(const std::vector<std::string>& list) {
  json out = json::array();
  for (const auto& s : list) out.push_back(text(s));
  return out;
}

template <typename T>
json optional_value(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json optional_text(const std::optional<std::string>& value) { return value ? text(*value) : json(nullptr); }

json ref(const attach::MemoryCopy& copy) { return json::array({copy.start, copy.bytes.size()}); }
json optional_ref(const std::optional<attach::MemoryCopy>& copy) { return copy ? ref(*copy) : json(nullptr); }

// ---- writing ----

// One object per thread, members left out at their defaults (a core of 1,000 threads carries 1,000 of
// them): "late" (facts read after the freeze) absent = false, "freeze" absent = "frozen", "stop" absent =
// "interrupt" for a frozen thread, every other absent member = null or empty. "syscall" is "running" or
// [number, arg1…arg6, sp, pc] (null where unknown).
json thread_json(const attach::ThreadSnapshot& t) {
  const auto& f = t.facts;
  json out{{"tid", f.tid}};
  auto put = [&](const char* key, json value) {
    if (!value.is_null()) out[key] = std::move(value);
  };
  put("name", optional_text(f.name));
  put("state", f.state ? json(std::string(1, *f.state)) : json(nullptr));
  put("utime_us", f.cpu_user ? json(f.cpu_user->count()) : json(nullptr));
  put("stime_us", f.cpu_system ? json(f.cpu_system->count()) : json(nullptr));
  put("wchan", optional_text(f.wchan));
  if (f.syscall) {
    const auto& c = *f.syscall;
    if (c.running) {
      out["syscall"] = "running";
    } else {
      json line = json::array({optional_value(c.number)});
      for (auto arg : c.args) line.push_back(arg);
      line.push_back(optional_value(c.sp));
      line.push_back(optional_value(c.pc));
      out["syscall"] = std::move(line);
    }
  }
  if (!t.facts_before_freeze) out["late"] = true;
  if (t.freeze != attach::FreezeState::frozen) out["freeze"] = name_of(freeze_names, t.freeze);
  if (t.stop_kind != attach::StopKind::interrupt || t.freeze != attach::FreezeState::frozen)
    out["stop"] = t.stop_kind ? json(name_of(stop_names, *t.stop_kind)) : json(nullptr);
  put("signal", optional_value(t.pending_signal));
  put("stack", optional_ref(t.stack));
  if (t.stack_truncated) out["stack_truncated"] = true;
  put("interrupted_stack", optional_ref(t.interrupted_stack));
  put("syscall_memory", optional_ref(t.syscall_memory));
  if (!t.pointed_words.empty()) {
    json words = json::array();
    for (const auto& w : t.pointed_words) words.push_back(ref(w));
    out["pointed_words"] = std::move(words);
  }
  if (t.error)
    out["error"] = json{{"kind", name_of(copy_error_names, t.error->kind)},
                        {"errno", optional_value(t.error->errno_value)},
                        {"address", optional_value(t.error->address)}};
  return out;
}

// [start, end, perms, offset, device, inode, path] and, for a file deleted since it was mapped, true: a
// process with many threads has twice as many mappings (each stack and its guard page).
json mapping_json(const attach::Mapping& m) {
  json out = json::array({m.start, m.end, text(m.perms), m.offset, text(m.device), m.inode, text(m.path)});
  if (m.deleted) out.push_back(true);
  return out;
}

json symbol_json(const attach::SymbolValue& v) {
  const auto& s = v.symbol;
  json symbol{{"name", text(s.name)},       {"module", text(s.module)},
              {"address", s.address},       {"layout", name_of(value_layout_names, s.layout)},
              {"size", s.size},             {"type_name", text(s.type_name)},
              {"refused", optional_text(s.refused)}};
  // The text's bytes are target memory at data_address: the core holds them in a PT_LOAD segment.
  json value = nullptr;
  if (v.text) value = v.data_address ? json::array({*v.data_address, v.text->size()}) : json{{"inline", text(*v.text)}};
  return json{{"symbol", symbol},
              {"text", value},
              {"truncated", v.truncated},
              {"data_address", optional_value(v.data_address)},
              {"error", optional_text(v.error)}};
}

json sidecar_json(const attach::SidecarFile& f) {
  return json{{"path", text(f.path)},          {"found_by", text(f.found_by)},     {"resolved", optional_text(f.resolved)},
              {"content", optional_text(f.content)}, {"truncated", f.truncated}, {"error", optional_text(f.error)}};
}

json process_json(const attach::ProcessFacts& p) {
  return json{{"pid", p.pid},
              {"ppid", p.ppid},
              {"depth", p.depth},
              {"uid", optional_value(p.uid)},
              {"state", p.state ? json(std::string(1, *p.state)) : json(nullptr)},
              {"name", optional_text(p.name)},
              {"cmdline", texts(p.cmdline)}};
}

json frozen_step_json(const attach::FrozenReadStats& s) {
  return json{{"duration_ns", s.duration.count()}, {"cpu_ns", s.cpu.count()},
              {"pages", s.pages},                  {"read_calls", s.read_calls},
              {"unreadable_pages", s.unreadable_pages}, {"budget", s.budget},
              {"budget_hit", s.budget_hit},        {"error", optional_text(s.error)}};
}

}  // namespace

std::string snapshot_note(const attach::Snapshot& snap, const BuildIds& build_ids, std::string_view gmr_version,
                          const std::optional<NotePython>& python) {
  json threads = json::array();
  for (const auto& t : snap.threads) threads.push_back(thread_json(t));
  json maps = json::array();
  for (const auto& m : snap.maps) maps.push_back(mapping_json(m));
  json processes = json::array();
  for (const auto& p : snap.processes) processes.push_back(process_json(p));
  json fds = json::array();
  for (const auto& fd : snap.fd_targets) fds.push_back(json{{"fd", fd.fd}, {"target", optional_text(fd.target)}});
  json symbols = json::array();
  for (const auto& v : snap.symbols) symbols.push_back(symbol_json(v));
  json sidecars = json::array();
  for (const auto& f : snap.sidecars) sidecars.push_back(sidecar_json(f));
  json interpreter = json::array();
  for (const auto& c : snap.interpreter_memory) interpreter.push_back(ref(c));
  json ids = json::object();
  for (const auto& [path, id] : build_ids)
    if (valid_utf8(path)) ids[path] = id;

  const json snapshot{
      {"pid", snap.pid},
      {"cmdline", texts(snap.cmdline)},
      {"exe_path", optional_text(snap.exe_path)},
      {"exe_deleted", snap.exe_deleted},
      {"uid", optional_value(snap.uid)},
      {"kernel_release", text(snap.kernel_release)},
      {"shares_gmr_root", snap.shares_gmr_root},
      {"captured_at_ns", std::chrono::duration_cast<std::chrono::nanoseconds>(snap.captured_at.time_since_epoch()).count()},
      {"stop_window_ns", snap.stop_window.count()},
      {"was_group_stopped", snap.was_group_stopped},
      {"freeze_timeout_ms", snap.freeze_timeout.count()},
      {"threads_vanished", snap.threads_vanished},
      {"threads", threads},
      {"maps", maps},
      {"vdso", optional_ref(snap.vdso)},
      {"processes", processes},
      {"fd_targets", fds},
      {"symbols", symbols},
      {"sidecars", sidecars},
      {"interpreter_memory", interpreter},
      {"frozen_step", snap.frozen_step ? frozen_step_json(*snap.frozen_step) : json(nullptr)}};
  const json note{{"layout", gmr_note_layout},
                  {"gmr_version", std::string(gmr_version)},
                  {"snapshot", snapshot},
                  {"build_ids", ids},
                  {"python", python ? json{{"green_threads", python->green_threads}} : json(nullptr)}};
  return note.dump();
}

}  // namespace gmr::core
