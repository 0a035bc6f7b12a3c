#include "symbolize/python/frame_runs.hpp"

#include <unordered_map>

namespace gmr::symbolize::python {
namespace {

/// 3.11: each run closes with its entry frame; its marker is the _PyCFrame whose current_frame starts it.
void split_at_entries(FrameChain& chain, const std::vector<CFrameRecord>& cframes, ThreadRuns& out) {
  std::unordered_map<std::uint64_t, std::uint64_t> cframe_of;  // current_frame -> _PyCFrame
  for (const auto& record : cframes)
    if (record.current_frame != 0) cframe_of.emplace(record.current_frame, record.address);
  FrameRun run;
  auto close = [&] {
    if (run.frames.empty()) return;
    if (auto it = cframe_of.find(run.frames.front().frame.address); it != cframe_of.end())
      run.c_stack_marker = it->second;
    out.runs.push_back(std::move(run));
    run = FrameRun{};
  };
  for (auto& frame : chain.frames) {
    const bool entry = frame.frame.is_entry;
    run.frames.push_back(std::move(frame));
    if (entry) close();
  }
  close();
}

/// 3.12+: each run closes at its shim frame, whose address is the marker.
void split_at_shims(FrameChain& chain, ThreadRuns& out) {
  FrameRun run;
  for (auto& frame : chain.frames) {
    if (!frame.frame.is_shim) {
      run.frames.push_back(std::move(frame));
      continue;
    }
    if (!run.frames.empty()) {
      run.c_stack_marker = frame.frame.address;
      out.runs.push_back(std::move(run));
    }
    run = FrameRun{};
  }
  if (!run.frames.empty()) out.runs.push_back(std::move(run));
}

}  // namespace

ThreadRuns read_thread_runs(const attach::MemorySource& memory, const PythonLayout& layout, const KnownTypes& known,
                            const ThreadState& thread, CodeObjectCache& codes, std::size_t max_frames) {
  ThreadRuns out;
  if (thread.top_frame_error) {
    out.truncated = thread.top_frame_error;
    return out;
  }
  FrameChain chain = walk_frame_chain(memory, layout, known, thread.top_frame, codes, max_frames);
  out.truncated = std::move(chain.truncated);
  if (layout.frame_model == FrameModel::cframe_entry_flag) {
    std::vector<CFrameRecord> cframes;
    if (!chain.frames.empty()) {
      auto read = cframe_chain(memory, layout, thread);
      if (read)
        cframes = std::move(*read);
      else
        out.markers = read.error();
    }
    split_at_entries(chain, cframes, out);
  } else {
    split_at_shims(chain, out);
  }
  return out;
}

}  // namespace gmr::symbolize::python
