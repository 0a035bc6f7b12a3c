#include "symbolize/python/frame_runs.hpp"

#include <algorithm>
#include <utility>

namespace gmr::symbolize::python {
namespace {

/// Moves `chain`'s frames into runs: run k holds frames [ends[k-1], ends[k]) without those marked `skip`
/// (shim frames), and has marker `markers[k]`. One run of every frame takes the vector whole.
void make_runs(FrameChain& chain, const std::vector<std::size_t>& ends, const std::vector<std::optional<std::uint64_t>>& markers,
               const std::vector<bool>& skip, ThreadRuns& out) {
  std::size_t begin = 0;
  for (std::size_t k = 0; k < ends.size(); ++k) {
    FrameRun run;
    run.c_stack_marker = markers[k];
    const std::size_t end = ends[k];
    const bool whole = begin == 0 && end == chain.frames.size() && std::find(skip.begin(), skip.end(), true) == skip.end();
    if (whole) {
      run.frames = std::move(chain.frames);
    } else {
      run.frames.reserve(end - begin);
      for (std::size_t i = begin; i < end; ++i)
        if (!skip[i]) run.frames.push_back(std::move(chain.frames[i]));
    }
    if (!run.frames.empty()) out.runs.push_back(std::move(run));
    begin = end;
  }
}

/// 3.11: each run closes with its entry frame; its marker is the _PyCFrame whose current_frame starts it.
void split_at_entries(FrameChain& chain, const std::vector<CFrameRecord>& cframes, ThreadRuns& out) {
  // current_frame -> _PyCFrame, sorted for the look-ups (a deep C recursion has thousands of each).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> cframe_of;
  for (const auto& record : cframes)
    if (record.current_frame != 0) cframe_of.emplace_back(record.current_frame, record.address);
  std::ranges::sort(cframe_of);
  std::vector<std::size_t> ends;
  std::vector<std::optional<std::uint64_t>> markers;
  std::size_t begin = 0;
  auto close = [&](std::size_t end) {
    if (end == begin) return;
    std::optional<std::uint64_t> marker;
    const std::uint64_t first = chain.frames[begin].frame.address;
    auto it = std::ranges::lower_bound(cframe_of, first, {}, &std::pair<std::uint64_t, std::uint64_t>::first);
    if (it != cframe_of.end() && it->first == first) marker = it->second;
    ends.push_back(end);
    markers.push_back(marker);
    begin = end;
  };
  for (std::size_t i = 0; i < chain.frames.size(); ++i)
    if (chain.frames[i].frame.is_entry) close(i + 1);
  close(chain.frames.size());
  make_runs(chain, ends, markers, std::vector<bool>(chain.frames.size(), false), out);
}

/// 3.12+: each run closes at its shim frame, whose address is the marker.
void split_at_shims(FrameChain& chain, ThreadRuns& out) {
  std::vector<std::size_t> ends;
  std::vector<std::optional<std::uint64_t>> markers;
  std::vector<bool> skip(chain.frames.size(), false);
  for (std::size_t i = 0; i < chain.frames.size(); ++i) {
    if (!chain.frames[i].frame.is_shim) continue;
    skip[i] = true;
    ends.push_back(i + 1);
    markers.push_back(chain.frames[i].frame.address);
  }
  if (ends.empty() || ends.back() != chain.frames.size()) {
    ends.push_back(chain.frames.size());
    markers.push_back(std::nullopt);
  }
  make_runs(chain, ends, markers, skip, out);
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
