// The benchmark's heartbeat: a thread inside the target that reads the clock every ~20 µs and keeps the
// longest gap between two consecutive reads. Any tool that holds the process (or just this thread) makes a
// gap as long as the hold, so every tool's stop window is measured the same way, from inside.
//
// The heartbeat starts from a constructor when BENCH_HEARTBEAT names a file: linked into bench targets,
// or LD_PRELOADed (libbench_heartbeat.so) into a real server. The driver and the heartbeat share that
// file's first page, laid out as HeartbeatPage.
#pragma once

#include <atomic>
#include <cstdint>

namespace gmr::bench {

struct HeartbeatPage {
  std::atomic<std::int64_t> longest_gap_ns{0};  // since the last acknowledged reset
  std::atomic<std::uint32_t> reset_request{0};  // the driver increments it to start a new interval…
  std::atomic<std::uint32_t> reset_done{0};     // …and the heartbeat copies it here once it has reset
  std::atomic<std::int32_t> tid{0};             // the heartbeat thread's id, once it runs
  std::atomic<std::uint64_t> beats{0};          // clock reads so far: shows the heartbeat has run since
};
static_assert(std::atomic<std::int64_t>::is_always_lock_free && std::atomic<std::uint32_t>::is_always_lock_free &&
              std::atomic<std::uint64_t>::is_always_lock_free);

inline constexpr const char* heartbeat_env = "BENCH_HEARTBEAT";

}  // namespace gmr::bench
