#include "report/build/python_merge.hpp"

#include <limits>
#include <optional>

#include "report/build/interpreter_plumbing.hpp"

namespace gmr::report {
namespace {

namespace py = symbolize::python;

/// The raw frame whose [sp_i, sp_{i+1}) holds `marker`.
std::optional<std::size_t> frame_holding(const symbolize::RawUnwind& unwind, std::uint64_t marker) {
  const auto& frames = unwind.frames;
  const bool reached_end = !unwind.truncated && !unwind.error;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (!frames[i].sp) continue;
    std::optional<std::uint64_t> end;
    if (i + 1 < frames.size())
      end = frames[i + 1].sp;
    else if (reached_end)
      end = std::numeric_limits<std::uint64_t>::max();
    if (end && *frames[i].sp <= marker && marker < *end) return i;
  }
  return std::nullopt;
}

}  // namespace

std::vector<RunPlacement> place_runs(const symbolize::RawUnwind& unwind, std::span<const py::FrameRun> runs) {
  std::vector<RunPlacement> out;
  out.reserve(runs.size());
  std::optional<std::size_t> previous;  // the frame of the last run placed
  bool past_cut = false;
  for (const auto& run : runs) {
    RunPlacement placement;
    if (past_cut) {
      placement.kind = RunPlacement::Kind::past_the_cut;  // outer than a run already beyond the cut
    } else if (run.c_stack_marker) {
      const auto frame = frame_holding(unwind, *run.c_stack_marker);
      const auto& last = unwind.frames.empty() ? std::nullopt : unwind.frames.back().sp;
      if (frame && (!previous || *frame > *previous)) {
        placement = {RunPlacement::Kind::at_frame, *frame};
        previous = frame;
      } else if (!frame && unwind.truncated && last && *run.c_stack_marker >= *last) {
        placement.kind = RunPlacement::Kind::past_the_cut;
        past_cut = true;
      }
    }
    out.push_back(placement);
  }
  return out;
}

Frame python_frame(const py::PythonFrame& frame, bool placed, symbolize::SourceLines* sources) {
  Frame out;
  out.kind = Frame::Kind::python;
  out.pc = frame.frame.instr;
  PythonFrameFacts facts;
  facts.frame_address = frame.frame.address;
  facts.placed = placed;
  facts.error = frame.error;
  facts.instruction_offset = frame.instruction_offset;
  if (frame.code != 0) {
    out.function = frame.qualname;
    if (!frame.filename.empty()) out.file = frame.filename;
    out.line = frame.line;
    facts.name = frame.name;
    facts.code_address = frame.code;
    facts.first_line = frame.firstlineno;
  }
  if (sources != nullptr && out.file && out.line) out.source = sources->line(*out.file, *out.line);
  out.python = std::move(facts);
  return out;
}

MergedFrames merge_frames(const symbolize::RawUnwind& unwind,
                          const std::vector<std::vector<symbolize::NamedFrame>>& named,
                          const py::PythonThread* python, std::string_view interpreter_module,
                          symbolize::SourceLines* sources) {
  MergedFrames out;
  std::vector<std::vector<const py::FrameRun*>> runs_at(named.size());
  if (python != nullptr) {
    const auto placements = place_runs(unwind, python->runs);
    for (std::size_t r = 0; r < python->runs.size(); ++r) {
      const py::FrameRun& run = python->runs[r];
      out.python_frames += run.frames.size();
      switch (placements[r].kind) {
        case RunPlacement::Kind::at_frame:
          if (placements[r].frame < runs_at.size()) {
            runs_at[placements[r].frame].push_back(&run);
            break;
          }
          [[fallthrough]];
        case RunPlacement::Kind::not_placed:
          for (const auto& frame : run.frames) out.frames.push_back(python_frame(frame, false, sources));
          out.unplaced += run.frames.size();
          break;
        case RunPlacement::Kind::past_the_cut: out.cut = true; break;
      }
    }
  }
  const bool with_python = out.python_frames > 0;
  for (std::size_t i = 0; i < named.size(); ++i) {
    for (const py::FrameRun* run : runs_at[i])
      for (const auto& frame : run->frames) out.frames.push_back(python_frame(frame, true, sources));
    for (const auto& native : named[i]) {
      Frame frame;
      static_cast<symbolize::NamedFrame&>(frame) = native;
      frame.interpreter_plumbing = with_python && interpreter_plumbing(native.function, native.module, interpreter_module);
      frame.jit = unwind.frames[i].anonymous_code && !native.module;
      out.frames.push_back(std::move(frame));
    }
  }
  return out;
}

}  // namespace gmr::report
