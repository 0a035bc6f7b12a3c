#include "symbolize/unwinder.hpp"

#include <algorithm>

#include "symbolize/snapshot_dwfl.hpp"
#include "symbolize/stack_end.hpp"

namespace gmr::symbolize {
namespace {

// Past a stack's real end libdwfl rarely goes further than a frame or two: the last few are looked at.
constexpr std::size_t end_search_frames = 8;

struct Collector {
  SnapshotDwfl* session;
  RawUnwind* out;
  std::size_t max_frames;
  bool pc_failed = false;
};

int frame_cb(Dwfl_Frame* frame, void* arg) {
  auto& collector = *static_cast<Collector*>(arg);
  Dwarf_Addr pc = 0;
  bool is_activation = false;
  if (!dwfl_frame_pc(frame, &pc, &is_activation)) {
    collector.pc_failed = true;
    return DWARF_CB_ABORT;
  }
  if (collector.out->frames.size() == collector.max_frames) {
    collector.out->truncated = true;
    return DWARF_CB_ABORT;
  }
  // x86-64 DWARF register 7 is rsp. dwfl_frame_reg: 0 known, 1 unknown, -1 no such register.
  constexpr unsigned dwarf_rsp = 7;
  Dwarf_Word sp = 0;
  std::optional<std::uint64_t> known_sp;
  if (dwfl_frame_reg(frame, dwarf_rsp, &sp) == 0) known_sp = sp;
  collector.out->frames.push_back({pc, is_activation, collector.session->in_anonymous_code(pc), known_sp});
  return DWARF_CB_OK;
}

std::optional<std::string> stack_start_at(Dwfl* dwfl, const RawFrame& frame) {
  Dwfl_Module* module = dwfl_addrmodule(dwfl, frame.lookup_pc());
  if (module == nullptr) return std::nullopt;
  const char* symbol = dwfl_module_addrname(module, frame.lookup_pc());
  if (symbol == nullptr) return std::nullopt;
  return stack_start_function(symbol);
}

/// For an unwind that ended in an error: when the stack really ended before it, ends the frames there
/// and turns the error into `end`.
void find_real_end(SnapshotDwfl& session, RawUnwind& out) {
  auto& frames = out.frames;
  // The outermost function that starts a stack: whatever follows it is not a frame of this stack. Only
  // when reached as a caller: a thread executing clone3 itself (a parent in the syscall) has its own
  // callers past it, and an unwind that stopped there lost them.
  const std::size_t first = frames.size() - std::min(frames.size(), end_search_frames);
  for (std::size_t i = frames.size(); i-- > first;) {
    if (frames[i].is_activation) continue;
    if (auto function = stack_start_at(session.dwfl(), frames[i])) {
      out.end = StackEnd{StackEnd::Kind::outermost_function, std::move(function), *out.error, frames.size() - i - 1};
      frames.resize(i + 1);
      out.error.reset();
      return;
    }
  }
  // Code generated at run time has no unwind information: the frame-pointer fallback may get out of it,
  // or read values that are not code addresses (dropped), or nothing.
  std::size_t kept = frames.size();
  while (kept > 1 && !session.in_executable_mapping(frames[kept - 1].pc)) --kept;
  if (kept > 0 && frames[kept - 1].anonymous_code) {
    out.end = StackEnd{StackEnd::Kind::jit_code, std::nullopt, *out.error, frames.size() - kept};
    frames.resize(kept);
    out.error.reset();
  }
}

}  // namespace

RawUnwind unwind_thread(SnapshotDwfl& session, pid_t tid, std::size_t max_frames) {
  RawUnwind out;
  Collector collector{&session, &out, max_frames};
  session.forget_failed_read();
  const int result = dwfl_getthread_frames(session.dwfl(), tid, frame_cb, &collector);
  if (collector.pc_failed) {
    out.error = UnwindError{UnwindError::Kind::no_pc, dwfl_errmsg(-1), std::nullopt};
  } else if (result == -1) {
    // Any end but the outermost frame (whose return address is undefined in its CFI), e.g. a return
    // address outside every module. eu-stack reports these too.
    out.error = UnwindError{UnwindError::Kind::libdwfl_error, dwfl_errmsg(-1), std::nullopt};
  } else if (result == 0 && session.failed_read()) {
    out.error = UnwindError{UnwindError::Kind::memory_not_captured, std::nullopt, *session.failed_read()};
  }
  if (out.error && !out.frames.empty()) find_real_end(session, out);
  return out;
}

}  // namespace gmr::symbolize
