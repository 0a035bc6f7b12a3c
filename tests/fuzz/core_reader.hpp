// The fuzz target of report/core: the core-file reader (parse_core, then snapshot_from_core, which parses
// the gmr note) fed arbitrary bytes as a whole core file, with the properties its result must keep whatever
// the input: no more threads than the bound, and no copy of memory larger than the input could hold.
// Shared by the libFuzzer harness (harness/core_harness.cpp, built by .ci/fuzz) and the regression replay
// in the normal suite (core_replay_test.cpp).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "report/core/core_image.hpp"
#include "report/core/core_layout.hpp"
#include "report/core/core_snapshot.hpp"

namespace gmr::fuzz::core {

using Violation = std::optional<std::string>;

inline Violation check_copy(const std::optional<attach::MemoryCopy>& copy, std::size_t input_size) {
  if (copy && copy->bytes.size() > input_size) return "a copy of memory larger than the input";
  return std::nullopt;
}

inline Violation exercise_core(std::string_view input) {
  const auto bytes = std::as_bytes(std::span<const char>(input.data(), input.size()));
  const auto image = gmr::core::parse_core(bytes);
  if (!image) return image.error().empty() ? Violation("an error without a message") : std::nullopt;
  if (image->threads.size() > gmr::core::max_core_threads) return "more threads than the bound";
  for (const auto& segment : image->segments)
    if (segment.bytes.size() > input.size()) return "a segment larger than the input";
  gmr::core::CoreReadOptions options;
  options.max_stack = 64 * 1024;
  const auto core = gmr::core::snapshot_from_core(*image, input.size(), options);
  if (!core) return core.error().empty() ? Violation("an error without a message") : std::nullopt;
  const auto& snap = core->snapshot;
  if (snap.threads.size() > gmr::core::max_core_threads) return "more threads than the bound";
  for (const auto& thread : snap.threads) {
    for (const auto* copy : {&thread.stack, &thread.interrupted_stack, &thread.syscall_memory})
      if (auto v = check_copy(*copy, input.size())) return v;
    for (const auto& words : thread.pointed_words)
      if (words.bytes.size() > input.size()) return "a copy of memory larger than the input";
  }
  for (const auto& copy : snap.interpreter_memory)
    if (copy.bytes.size() > input.size()) return "a copy of memory larger than the input";
  return check_copy(snap.vdso, input.size());
}

struct Harness {
  const char* name;
  Violation (*exercise)(std::string_view);
};

inline constexpr Harness harnesses[] = {{"core", exercise_core}};

}  // namespace gmr::fuzz::core
