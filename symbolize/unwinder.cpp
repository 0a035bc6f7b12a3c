#include "symbolize/unwinder.hpp"

#include "symbolize/snapshot_dwfl.hpp"

namespace gmr::symbolize {
namespace {

struct Collector {
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
  collector.out->frames.push_back({pc, is_activation, known_sp});
  return DWARF_CB_OK;
}

}  // namespace

RawUnwind unwind_thread(SnapshotDwfl& session, pid_t tid, std::size_t max_frames) {
  RawUnwind out;
  Collector collector{&out, max_frames};
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
  return out;
}

}  // namespace gmr::symbolize
