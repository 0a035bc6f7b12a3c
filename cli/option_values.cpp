#include "cli/option_values.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <utility>

namespace gmr::cli {
namespace {

enum class Number { ok, not_a_number, too_large };

/// `text` is all decimal digits and fits in T.
template <typename T>
std::pair<Number, T> whole_number(std::string_view text) {
  T value{};
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) return {Number::not_a_number, value};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) return {Number::too_large, value};
  if (error != std::errc{} || end != text.data() + text.size()) return {Number::not_a_number, value};
  return {Number::ok, value};
}

std::string quoted(std::string_view option, std::string_view text) {
  return std::string{option} + ": '" + std::string{text} + "'";
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

/// The factor of a size suffix; 0 for an unknown one.
std::uint64_t suffix_factor(std::string_view suffix) {
  if (suffix.empty()) return 1;
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 9> units{{
      {"k", 1ULL << 10}, {"kb", 1ULL << 10}, {"kib", 1ULL << 10},
      {"m", 1ULL << 20}, {"mb", 1ULL << 20}, {"mib", 1ULL << 20},
      {"g", 1ULL << 30}, {"gb", 1ULL << 30}, {"gib", 1ULL << 30},
  }};
  for (const auto& [name, factor] : units)
    if (equals_ignoring_case(suffix, name)) return factor;
  return 0;
}

std::string format_seconds(double seconds) {
  std::ostringstream out;
  out << seconds;
  return out.str();
}

}  // namespace

std::string format_size(std::size_t bytes) {
  for (const auto& [unit, shift] : {std::pair{'G', 30}, std::pair{'M', 20}, std::pair{'K', 10}})
    if (bytes >= (std::size_t{1} << shift) && bytes % (std::size_t{1} << shift) == 0)
      return std::to_string(bytes >> shift) + unit;
  return std::to_string(bytes);
}

std::expected<std::size_t, std::string> parse_size(std::string_view option, std::string_view text, SizeBounds bounds) {
  const std::string range = "give " + format_size(bounds.min) + " to " + format_size(bounds.max);
  const std::size_t digits = std::min(text.find_first_not_of("0123456789"), text.size());
  const std::uint64_t factor = suffix_factor(text.substr(digits));
  const auto [kind, value] = whole_number<std::uint64_t>(text.substr(0, digits));
  if (kind == Number::not_a_number || factor == 0)
    return std::unexpected(quoted(option, text) + " is not a size in bytes: " + range +
                           " (a whole number, optionally followed by K, M or G)");
  // Checked before multiplying: "99999999999999999M" must not wrap into range.
  if (kind == Number::too_large || value > bounds.max / factor || value * factor > bounds.max)
    return std::unexpected(quoted(option, text) + " is too large: " + range);
  if (value * factor < bounds.min) return std::unexpected(quoted(option, text) + " is too small: " + range);
  return static_cast<std::size_t>(value * factor);
}

std::expected<std::size_t, std::string> parse_count(std::string_view option, std::string_view text, std::size_t min,
                                                    std::size_t max) {
  const std::string range = "give " + std::to_string(min) + " to " + std::to_string(max);
  const auto [kind, value] = whole_number<std::uint64_t>(text);
  if (kind == Number::not_a_number) return std::unexpected(quoted(option, text) + " is not a whole number: " + range);
  if (kind == Number::too_large || value > max) return std::unexpected(quoted(option, text) + " is too large: " + range);
  if (value < min) return std::unexpected(quoted(option, text) + " is too small: " + range);
  return static_cast<std::size_t>(value);
}

std::expected<std::chrono::milliseconds, std::string> parse_seconds(std::string_view option, std::string_view text,
                                                                    double min, double max) {
  const std::string range = "give " + format_seconds(min) + " to " + format_seconds(max) + " seconds";
  // Digits with at most one '.', and at least one digit: no sign, exponent, "inf" or "nan".
  const std::size_t point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view fraction = point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
  const auto all_digits = [](std::string_view s) { return s.find_first_not_of("0123456789") == std::string_view::npos; };
  double value = 0;
  bool ok = !text.empty() && all_digits(whole) && all_digits(fraction) && whole.size() + fraction.size() > 0;
  if (ok) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
    ok = end == text.data() + text.size() && (error == std::errc{} || error == std::errc::result_out_of_range);
    if (error == std::errc::result_out_of_range) value = whole.find_first_not_of('0') == std::string_view::npos ? 0 : max * 2;
  }
  if (!ok)
    return std::unexpected(quoted(option, text) + " is not a number of seconds: " + range + " (for example 0.5)");
  if (value > max) return std::unexpected(quoted(option, text) + " is too large: " + range);
  if (value < min) return std::unexpected(quoted(option, text) + " is too small: " + range);
  return std::chrono::milliseconds(std::llround(value * 1000.0));
}

std::expected<pid_t, std::string> parse_id(std::string_view text, std::string_view what) {
  const auto [kind, value] = whole_number<std::uint64_t>(text);
  const std::string quoted_text = "'" + std::string{text} + "'";
  if (kind == Number::not_a_number || (kind == Number::ok && value == 0))
    return std::unexpected(quoted_text + " is not a " + std::string{what} + " (a positive decimal number)");
  if (kind == Number::too_large || value > static_cast<std::uint64_t>(max_id))
    return std::unexpected(quoted_text + " is too large to be a " + std::string{what} + " (at most " +
                           std::to_string(max_id) + ")");
  return static_cast<pid_t>(value);
}

std::expected<std::vector<pid_t>, std::string> parse_thread_ids(const std::vector<std::string>& words) {
  std::vector<pid_t> tids;
  for (const auto& word : words) {
    const auto tid = parse_id(word, "thread id");
    if (!tid) return std::unexpected("--threads: " + tid.error());
    if (std::ranges::find(tids, *tid) == tids.end()) tids.push_back(*tid);
  }
  return tids;
}

std::string join_ids(const std::vector<pid_t>& ids) {
  std::string text;
  for (pid_t id : ids) text += (text.empty() ? "" : ", ") + std::to_string(id);
  return text;
}

}  // namespace gmr::cli
