#include "report/build/text_secrets.hpp"

#include <cctype>

namespace gmr::report {
namespace {

constexpr auto npos = std::string_view::npos;

bool blank(char c) { return c == ' ' || c == '\t'; }
bool key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }

std::size_t skip_blanks(std::string_view s, std::size_t i) {
  while (i < s.size() && blank(s[i])) ++i;
  return i;
}

/// The end of `s` less trailing white space and '\r'.
std::size_t trimmed_end(std::string_view s) {
  std::size_t e = s.size();
  while (e > 0 && (blank(s[e - 1]) || s[e - 1] == '\r')) --e;
  return e;
}

struct KeyLine {
  std::string_view key;
  std::size_t value = 0;  // where the value starts
  bool directive = false;  // no separator: "key value"
};

std::optional<KeyLine> key_line(std::string_view s) {
  std::size_t i = skip_blanks(s, 0);
  while (i + 1 < s.size() && s[i] == '-' && blank(s[i + 1])) i = skip_blanks(s, i + 1);
  if (s.substr(i, 7) == "export " || s.substr(i, 7) == "export\t") i = skip_blanks(s, i + 7);
  KeyLine line;
  bool quoted = false;
  if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
    const std::size_t close = s.find(s[i], i + 1);
    if (close == npos || close == i + 1) return std::nullopt;
    line.key = s.substr(i + 1, close - i - 1);
    i = close + 1;
    quoted = true;
  } else {
    const std::size_t start = i;
    while (i < s.size() && key_char(s[i])) ++i;
    if (i == start) return std::nullopt;
    line.key = s.substr(start, i - start);
  }
  const std::size_t after_key = i;
  i = skip_blanks(s, i);
  if (s.substr(i, 2) == "=>" || s.substr(i, 2) == ":=") {
    i += 2;
  } else if (i < s.size() && s[i] == '=') {
    i += 1;
  } else if (i < s.size() && s[i] == ':' && (quoted || i + 1 == s.size() || std::isspace(static_cast<unsigned char>(s[i + 1])))) {
    i += 1;
  } else if (!quoted && i > after_key && i < s.size()) {
    line.directive = true;
  } else {
    return std::nullopt;
  }
  line.value = skip_blanks(s, i);
  return line;
}

}  // namespace

void text_line_spans(std::string_view s, std::size_t at, const SecretMask& mask, std::vector<SecretSpan>& out) {
  const auto line = key_line(s);
  std::optional<std::string> key;  // a directive's first word is only a guess: no key for its URLs
  if (line && !line->directive) key = std::string(line->key);
  if (line) {
    if (const auto reason = mask.key_reason(line->key)) {
      std::size_t begin = line->value;
      std::size_t end = std::max(trimmed_end(s), begin);
      if (begin < s.size() && (s[begin] == '"' || s[begin] == '\'')) {
        const std::size_t close = s.find(s[begin], begin + 1);
        if (close != npos) {
          ++begin;
          end = close;
        }
      }
      if (begin < end) out.push_back({at + begin, at + end, *reason, std::string(line->key)});
    }
  }
  mask.inner_spans(s, at, key, out);
}

std::vector<SecretSpan> text_secret_spans(std::string_view text, const SecretMask& mask) {
  std::vector<SecretSpan> spans;
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t nl = text.find('\n', at);
    if (nl == npos) nl = text.size();
    text_line_spans(text.substr(at, nl - at), at, mask, spans);
    at = nl + 1;
  }
  return spans;
}

}  // namespace gmr::report
