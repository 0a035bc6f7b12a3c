#include "attach/copy_pipeline.hpp"

#include "attach/run_beside.hpp"

namespace gmr::attach {

CopyPipeline::~CopyPipeline() { close(); }

void CopyPipeline::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  queued_.notify_all();
}

std::optional<CopyPipeline::Chunk> CopyPipeline::next_chunk(bool wait) {
  std::unique_lock lock(mutex_);
  if (wait) queued_.wait(lock, [this] { return closed_ || !queue_.empty(); });
  if (queue_.empty()) return std::nullopt;
  const Chunk chunk = queue_.front();
  queue_.pop_front();
  return chunk;
}

void CopyPipeline::enqueue(std::span<const RangeRequest> requests) {
  const std::size_t first = copies_.add(requests);
  std::lock_guard lock(mutex_);
  queue_.emplace_back(first, first + requests.size());
}

void CopyPipeline::push(std::span<const RangeRequest> requests) {
  if (requests.empty()) return;
  enqueue(requests);
  queued_.notify_one();
  if (helper_.valid()) return;
  helper_ = run_beside([this] {
    while (const auto chunk = next_chunk(true)) copies_.read(memory_, chunk->first, chunk->second);
  });
}

void CopyPipeline::finish(std::span<const RangeRequest> last) {
  if (!last.empty()) enqueue(last);
  close();
  while (const auto chunk = next_chunk(false)) copies_.read(memory_, chunk->first, chunk->second);
  if (helper_.valid()) helper_.get();
}

}  // namespace gmr::attach
