// The oslo.reports text layout: banners, thread sub-headers, "key = value" lines. Text renderer only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gmr::report::layout {

inline constexpr std::size_t banner_width = 72;       // "=" rule; "====" + 64 + "===="
inline constexpr std::size_t banner_title_width = 64;
inline constexpr std::size_t thread_title_width = 60;  // "------" + 60 + "------"
inline constexpr std::size_t key_width = 12;           // keys of "key = value" lines are padded to this

/// Display width of UTF-8 text, in code points (each assumed one column wide).
std::size_t text_width(std::string_view text);

/// `text` centred in `width` columns, the odd space going right (Python's "{: ^N}"); longer text unchanged.
std::string center(std::string_view text, std::size_t width);

/// Three lines, each ending in '\n': 72 "=", "====" + title centred in 64 + "====", 72 "=".
std::string section_banner(std::string_view title);

/// One line ending in '\n': "------" + " title " centred in 60 + "------".
std::string thread_header(std::string_view title);

/// One line ending in '\n': `key` left-aligned in key_width columns, " = ", `value` (just " =" if empty).
std::string field(std::string_view key, std::string_view value);

}  // namespace gmr::report::layout
