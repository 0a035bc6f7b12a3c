#include "report/build/key_value_pairs.hpp"

#include <cctype>

namespace gmr::report {
namespace {

constexpr auto npos = std::string_view::npos;
constexpr std::size_t max_quoted_key = 256;

bool key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }
bool blank(char c) { return c == ' ' || c == '\t'; }
bool quote(char c) { return c == '"' || c == '\''; }
bool space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

/// The span of the value starting at `at`: inside its quotes when quoted and closed on the same line, else
/// up to the first byte `ends` accepts. Empty when there is no value.
std::pair<std::size_t, std::size_t> value_at(std::string_view t, std::size_t at, bool (*ends)(char)) {
  if (at < t.size() && quote(t[at])) {
    const std::size_t close = t.find(t[at], at + 1);
    if (close != npos && t.substr(at + 1, close - at - 1).find('\n') == npos) return {at + 1, close};
  }
  std::size_t end = at;
  while (end < t.size() && !ends(t[end])) ++end;
  return {at, end};
}

bool ends_bare_pair(char c) { return space(c) || c == ';' || c == '&' || quote(c); }
bool ends_quoted_pair(char c) { return space(c) || c == ',' || c == ';' || c == '}' || c == ']' || c == ')'; }

}  // namespace

std::vector<SecretSpan> pair_spans(std::string_view t, const SecretMask& mask) {
  std::vector<SecretSpan> spans;
  auto add = [&](std::string_view key, std::size_t value, bool (*ends)(char)) -> std::size_t {
    const auto reason = mask.key_reason(key);
    if (!reason) return value;
    const auto [begin, end] = value_at(t, value, ends);
    if (begin < end) spans.push_back({begin, end, *reason, std::string(key)});
    return end;
  };
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '=') {
      if (i + 1 < t.size() && t[i + 1] == '=') {
        ++i;
        continue;
      }
      std::size_t k = i;
      while (k > 0 && key_char(t[k - 1])) --k;
      if (k == i) continue;
      const std::size_t end = add(t.substr(k, i - k), i + 1, ends_bare_pair);
      if (end > i + 1) i = end - 1;
    } else if (quote(t[i])) {
      const std::size_t close = t.find(t[i], i + 1);
      if (close == npos) continue;
      const std::string_view key = t.substr(i + 1, close - i - 1);
      if (key.empty() || key.size() > max_quoted_key || key.find('\n') != npos) continue;
      std::size_t j = close + 1;
      while (j < t.size() && blank(t[j])) ++j;
      if (j >= t.size() || (t[j] != ':' && t[j] != '=')) continue;
      j += t.substr(j, 2) == "=>" ? 2 : 1;
      while (j < t.size() && blank(t[j])) ++j;
      const std::size_t end = add(key, j, ends_quoted_pair);
      if (end > j) i = end;  // past the value (or its closing quote)
    }
  }
  return spans;
}

}  // namespace gmr::report
