// Value formatting shared by every renderer (text, JSON, folded), so that one fact is spelled the same
// way everywhere. Pure functions: no clock, no locale, no environment.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gmr::report {

/// A target address: "0x" + 16 lowercase hex digits, fixed width so frame columns line up.
std::string format_address(std::uint64_t address);

/// Any other number shown in hex (offsets, syscall arguments): "0x" + lowercase digits, no padding.
std::string format_hex(std::uint64_t value);

/// "S (sleeping)"; the letter or the name alone when only one is known; "unknown" when neither is.
/// `name` overrides the kernel's name (attach/base/proc_state.hpp).
std::string format_state(std::optional<char> state, const std::optional<std::string>& name);

/// Milliseconds with exactly 3 decimals, rounded half away from zero to the microsecond: "0.274 ms".
std::string format_milliseconds(std::chrono::nanoseconds duration);

/// Seconds with exactly 3 decimals, rounded half away from zero to the millisecond: "1.250 s".
std::string format_seconds(std::chrono::microseconds duration);

/// RFC 3339 in UTC with microseconds: "2024-05-01T12:34:56.123456Z".
std::string format_utc_timestamp(std::chrono::system_clock::time_point time);

/// Text from the target made safe for one line: control bytes become "\xNN"; UTF-8 passes through.
std::string printable(std::string_view text);

/// `words` with `separator` between them: {"a", "b"}, ", " → "a, b".
std::string join_words(const std::vector<std::string>& words, std::string_view separator);

/// argv joined by spaces, each word shell-quoted when it needs it, so it can be pasted back; "" when empty.
/// A single argument is shown as it is, as ps(1) shows a rewritten title ("nginx: worker process").
std::string format_command_line(const std::vector<std::string>& argv);

}  // namespace gmr::report
