#include "symbolize/snapshot_memory.hpp"

#include <algorithm>
#include <cstring>

namespace gmr::symbolize {

SnapshotMemory::SnapshotMemory(const attach::Snapshot& snapshot) {
  std::vector<Segment> copies;
  auto add = [&](const attach::MemoryCopy& copy) {
    if (!copy.bytes.empty()) copies.push_back({copy.start, copy.end(), copy.bytes.data()});
  };
  for (const auto& thread : snapshot.threads)
    if (thread.stack) add(*thread.stack);
  for (const auto& copy : snapshot.interpreter_memory) add(copy);
  if (snapshot.vdso) add(*snapshot.vdso);
  std::ranges::sort(copies, {}, &Segment::start);
  // Copies were all taken while the target was frozen, so where two overlap their bytes are the same:
  // keep each byte once, from the copy that starts first.
  for (const Segment& copy : copies) {
    Segment piece = copy;
    if (!segments_.empty() && segments_.back().end > piece.start) {
      if (segments_.back().end >= piece.end) continue;
      piece.bytes += segments_.back().end - piece.start;
      piece.start = segments_.back().end;
    }
    segments_.push_back(piece);
  }
}

std::size_t SnapshotMemory::read(std::uint64_t address, std::span<std::byte> out) const {
  std::size_t done = 0;
  auto it = std::ranges::upper_bound(segments_, address, {}, &Segment::start);
  if (it == segments_.begin()) return 0;
  --it;
  while (done < out.size() && it != segments_.end()) {
    const std::uint64_t at = address + done;
    if (at < it->start || at >= it->end) break;
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(out.size() - done, it->end - at));
    std::memcpy(out.data() + done, it->bytes + (at - it->start), n);
    done += n;
    ++it;
  }
  return done;
}

}  // namespace gmr::symbolize
