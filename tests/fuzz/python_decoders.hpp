// The fuzz targets of symbolize/python: its decoders fed arbitrary bytes, as a location table or as the
// whole memory of a target, with the properties their results must keep whatever the input. Shared by
// the libFuzzer harness (harness/python_harness.cpp, built by .ci/fuzz) and the regression replay in the
// normal suite (python_replay_test.cpp), which runs every seed (corpus/python_*/) and every input that
// ever broke a harness (regressions/python_*/).
#pragma once

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "attach/memory_source.hpp"
#include "symbolize/python/bytes_object.hpp"
#include "symbolize/python/code_object.hpp"
#include "symbolize/python/debug_offsets.hpp"
#include "symbolize/python/dict_object.hpp"
#include "symbolize/python/frame_chain.hpp"
#include "symbolize/python/location_table.hpp"
#include "symbolize/python/lock_wait.hpp"
#include "symbolize/python/long_object.hpp"
#include "symbolize/python/static_layouts.hpp"
#include "symbolize/python/thread_names.hpp"
#include "symbolize/python/thread_states.hpp"
#include "symbolize/python/unicode_object.hpp"

namespace gmr::fuzz::python {

/// A property a decoder's result broke, or nothing.
using Violation = std::optional<std::string>;

/// The input as the only readable memory of a target, at `base`.
class InputMemory final : public attach::MemorySource {
 public:
  static constexpr std::uint64_t base = 0x10000;
  explicit InputMemory(std::string_view bytes) : bytes_(bytes) {}
  std::size_t read(std::uint64_t address, std::span<std::byte> out) const override {
    if (address < base || address - base >= bytes_.size()) return 0;
    const std::size_t offset = address - base;
    const std::size_t n = std::min(out.size(), bytes_.size() - offset);
    std::memcpy(out.data(), bytes_.data() + offset, n);
    return n;
  }

 private:
  std::string_view bytes_;
};

inline bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += n;
  }
  return true;
}

/// The input is a location table (first line 7): decoding it whole and looking up single offsets agree.
inline Violation exercise_python_linetable(std::string_view input) {
  using namespace symbolize::python;
  const std::span<const std::byte> table(reinterpret_cast<const std::byte*>(input.data()), input.size());
  const int firstlineno = 7;
  const auto entries = decode_location_table(table, firstlineno);
  if (!entries) {
    if (entries.error().failure != DecodeFailure::corrupt) return "linetable: an error other than corrupt";
    return std::nullopt;
  }
  if (entries->size() > input.size()) return "linetable: more entries than bytes";
  int expected_start = 0;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    const auto& e = (*entries)[i];
    if (e.start != expected_start || e.end <= e.start || e.end - e.start > 8) return "linetable: entries do not tile the code";
    expected_start = e.end;
    if (i > 64 && i + 1 < entries->size()) continue;  // each lookup decodes from the start: sample
    const auto line = line_for_offset(table, firstlineno, e.start);
    if (!line || *line != e.position.line) return "linetable: line_for_offset disagrees with the decoded entry";
    if (e.position.line.has_value() != e.position.end_line.has_value()) return "linetable: a line without an end line";
  }
  const auto past = line_for_offset(table, firstlineno, expected_start);
  if (!past || past->has_value()) return "linetable: a line past the table's end";
  const auto before = line_for_offset(table, firstlineno, -1);
  if (!before || *before != firstlineno) return "linetable: a frame that has not started is not at the first line";
  return std::nullopt;
}

/// The input is the whole memory of a target, and its first byte picks the case: the layout (bits 0-1:
/// 3.11, 3.12, 3.13, 3.13), where decoding starts (bits 2-3: 0, 8, 16 or 64 bytes into the input) and
/// whether type objects are known by address or by tp_name (bit 4). Every decoder runs from there;
/// nothing may crash or run unbounded, and what decodes must be within the caps.
inline Violation exercise_python_memory(std::string_view input) {
  using namespace symbolize::python;
  if (input.empty()) return std::nullopt;
  const InputMemory memory(input);
  const std::uint64_t b = InputMemory::base;
  const auto selector = static_cast<unsigned char>(input[0]);
  const PythonLayout layout = (selector & 3) == 0 ? layout_3_11() : (selector & 3) == 1 ? layout_3_12() : layout_3_13();
  const std::uint64_t at = b + std::array<std::uint64_t, 4>{0, 8, 16, 64}[(selector >> 2) & 3];
  // Type objects at fixed places of the input: an object whose ob_type points there has that type.
  const KnownTypes types = (selector & 0x10) ? KnownTypes{}
                                             : KnownTypes{b + 0x10, b + 0x20, b + 0x30, b + 0x40, b + 0x50, b + 0x60, std::nullopt};

  if (auto s = read_str(memory, layout, types, at)) {
    if (s->size() > 4 * max_string_chars) return "str: longer than the cap";
    if (!valid_utf8(*s)) return "str: not UTF-8";
  }
  if (auto bytes = read_bytes_object(memory, layout, types, at); bytes && bytes->size() > input.size())
    return "bytes: more than the memory holds";
  (void)read_int(memory, layout, types, at);
  if (auto code = read_code_object(memory, layout, types, at)) {
    if (code->code_units == 0 || code->code_units > max_code_units) return "code: unit count outside the cap";
    (void)line_for_offset(code->linetable, code->firstlineno, 0);
  }
  CodeObjectCache codes;
  const auto chain = walk_frame_chain(memory, layout, types, at, codes, 64);
  if (chain.frames.size() > 64) return "frames: more than the limit";
  if (!chain.truncated && !chain.frames.empty() && chain.frames.back().frame.previous != 0)
    return "frames: stopped early without saying why";
  if (!chain.frames.empty()) {
    const std::uint64_t futex = b + 0x80;  // a lock object of the input may point its lock word here
    if (auto lock = find_lock_wait(memory, layout, types, codes, chain.frames.front(), futex);
        lock && (lock->lock_word != futex || (lock->type_name != "_thread.lock" && lock->type_name != "_thread.RLock")))
      return "lock: named with another futex word or type";
  }
  (void)dict_get_str(memory, layout, types, at, "name");
  (void)instance_attribute(memory, layout, types, at, "_name");
  (void)thread_names(memory, layout, types, at);
  (void)derives_from(memory, layout, at, b + 0x10);
  (void)type_name(memory, layout, at);
  const auto threads = thread_states(memory, layout, at);
  if (threads.threads.size() > input.size()) return "threads: more than the memory can hold";
  for (const auto& t : threads.threads) (void)cframe_chain(memory, layout, t);
  (void)interpreter_addresses(memory, layout, at);
  (void)gil_holder(memory, layout, at, at);

  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(input.data()), input.size());
  if (auto offsets = parse_debug_offsets(bytes)) {
    if (auto parsed = layout_from_debug_offsets(*offsets, static_cast<std::uint32_t>(offsets->version));
        parsed && parsed->frame.size > (std::uint64_t{64} << 10))
      return "debug offsets: an implausible layout accepted";
  }
  return std::nullopt;
}

struct Harness {
  const char* name;  // also the directory of its corpus and regressions
  Violation (*exercise)(std::string_view);
};

inline constexpr Harness harnesses[] = {
    {"python_linetable", exercise_python_linetable},
    {"python_memory", exercise_python_memory},
};

}  // namespace gmr::fuzz::python
