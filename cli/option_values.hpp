// The values of gmr's numeric command-line options and ids, parsed strictly: decimal digits only (no sign,
// no spaces, no hexadecimal, no exponent), every bound checked after the suffix is applied, and one
// message that names the option, quotes the value and says what is accepted. Each bound is documented in
// gmr(1) and `gmr dump --help`.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace gmr::cli {

/// Inclusive bounds of a size in bytes.
struct SizeBounds {
  std::size_t min = 0;
  std::size_t max = 0;
};
inline constexpr SizeBounds max_stack_bounds{4 << 10, std::size_t{1} << 30};           // 4K … 1G
inline constexpr SizeBounds max_config_bytes_bounds{1, std::size_t{64} << 20};         // 1 … 64M

inline constexpr std::size_t max_frames_min = 1;
inline constexpr std::size_t max_frames_max = 100000;

inline constexpr double timeout_min_seconds = 0.001;
inline constexpr double timeout_max_seconds = 3600;

/// Linux pids and tids are below PID_MAX_LIMIT (4194304 on 64-bit kernels, include/linux/threads.h).
inline constexpr pid_t max_id = 4194303;

/// "512K": digits, then optionally K, M or G (also KB/KiB…, any case; all powers of 1024).
std::expected<std::size_t, std::string> parse_size(std::string_view option, std::string_view text, SizeBounds bounds);

/// A whole number of things (--max-frames).
std::expected<std::size_t, std::string> parse_count(std::string_view option, std::string_view text, std::size_t min,
                                                    std::size_t max);

/// Seconds with an optional fraction ("3", "0.5", ".25"), rounded to the nearest millisecond.
std::expected<std::chrono::milliseconds, std::string> parse_seconds(std::string_view option, std::string_view text,
                                                                    double min, double max);

/// A process id (what = "process id") or thread id: 1 … max_id. The message quotes `text`.
std::expected<pid_t, std::string> parse_id(std::string_view text, std::string_view what);

/// --threads: each word a thread id (parse_id), duplicates dropped, first order kept; the message names
/// the option.
std::expected<std::vector<pid_t>, std::string> parse_thread_ids(const std::vector<std::string>& words);

/// "4K", "1G", "100": a size as the bounds are written in messages and the man page.
std::string format_size(std::size_t bytes);

/// "12, 13, 14": ids as the messages list them.
std::string join_ids(const std::vector<pid_t>& ids);

}  // namespace gmr::cli
