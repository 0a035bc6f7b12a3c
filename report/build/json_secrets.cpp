#include "report/build/json_secrets.hpp"

#include <cctype>
#include <string>

namespace gmr::report {
namespace {

constexpr auto npos = std::string_view::npos;
constexpr std::size_t max_depth = 1000;

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// One open object or array.
struct Level {
  bool object = false;
  std::optional<MaskReason> secret;  // everything inside is secret (set by the key that holds it)
  std::optional<std::string> secret_key;
  std::optional<std::string> key;  // object: the current member's key
};

/// The end (index of the closing quote) of a string whose contents start at `i`, or npos when the text
/// ends first; `bad` is set by a control character, which JSON forbids inside strings.
std::size_t string_end(std::string_view t, std::size_t i, bool& bad) {
  while (i < t.size()) {
    const auto c = static_cast<unsigned char>(t[i]);
    if (c == '"') return i;
    if (c < 0x20) {
      bad = true;
      return npos;
    }
    i += c == '\\' ? 2 : 1;
  }
  return npos;
}

/// A key's text with JSON escapes decoded (\u escapes outside ASCII become '?': only letters and digits
/// matter to the secret rules).
std::string decoded(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 >= raw.size()) {
      out += raw[i];
      continue;
    }
    const char e = raw[++i];
    if (e == 'u' && i + 4 < raw.size()) {
      unsigned value = 0;
      bool hex = true;
      for (std::size_t k = 1; k <= 4 && hex; ++k) {
        const auto h = static_cast<unsigned char>(raw[i + k]);
        hex = std::isxdigit(h) != 0;
        value = value * 16 + static_cast<unsigned>(std::isdigit(h) ? h - '0' : std::tolower(h) - 'a' + 10);
      }
      if (hex) {
        out += value < 0x80 ? static_cast<char>(value) : '?';
        i += 4;
        continue;
      }
    }
    out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
  }
  return out;
}

bool literal_at(std::string_view t, std::size_t i, std::string_view word, bool cut, std::size_t& end) {
  const std::string_view there = t.substr(i, word.size());
  if (there == word || (cut && i + there.size() == t.size() && word.starts_with(there))) {
    end = i + there.size();
    return true;
  }
  return false;
}

}  // namespace

std::optional<std::vector<SecretSpan>> json_secret_spans(std::string_view t, bool cut, const SecretMask& mask) {
  std::size_t i = t.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  while (i < t.size() && space(t[i])) ++i;
  if (i >= t.size() || (t[i] != '{' && t[i] != '[')) return std::nullopt;

  enum class Expect { value, first_value, key, first_key, colon, comma } expect = Expect::value;
  std::vector<Level> levels;
  std::vector<SecretSpan> spans;
  bool done = false;  // the top-level value is complete
  while (true) {
    while (i < t.size() && space(t[i])) ++i;
    if (i >= t.size()) break;
    if (done) return std::nullopt;  // more after the document
    const char c = t[i];
    if (expect == Expect::colon) {
      if (c != ':') return std::nullopt;
      ++i;
      expect = Expect::value;
      continue;
    }
    if (expect == Expect::comma) {
      Level& top = levels.back();
      if (c == ',') {
        expect = top.object ? Expect::key : Expect::value;
      } else if (c == (top.object ? '}' : ']')) {
        levels.pop_back();
        done = levels.empty();
      } else {
        return std::nullopt;
      }
      ++i;
      continue;
    }
    if (expect == Expect::key || expect == Expect::first_key) {
      if (c == '}' && expect == Expect::first_key) {
        levels.pop_back();
        done = levels.empty();
        expect = Expect::comma;
        ++i;
        continue;
      }
      if (c != '"') return std::nullopt;
      bool bad = false;
      const std::size_t end = string_end(t, i + 1, bad);
      if (bad || end == npos) return cut && !bad ? std::optional(spans) : std::nullopt;
      levels.back().key = decoded(t.substr(i + 1, end - i - 1));
      i = end + 1;
      expect = Expect::colon;
      continue;
    }
    // A value.
    if (c == ']' && expect == Expect::first_value) {
      levels.pop_back();
      done = levels.empty();
      expect = Expect::comma;
      ++i;
      continue;
    }
    std::optional<MaskReason> secret;
    std::optional<std::string> secret_key;
    std::optional<std::string> key;
    if (!levels.empty()) {
      const Level& top = levels.back();
      secret = top.secret;
      secret_key = top.secret_key;
      key = top.key;
      if (!secret && top.object && top.key) {
        secret = mask.key_reason(*top.key);
        if (secret) secret_key = top.key;
      }
    }
    if (c == '{' || c == '[') {
      if (levels.size() >= max_depth) return std::nullopt;
      levels.push_back({c == '{', secret, secret_key, key});
      expect = c == '{' ? Expect::first_key : Expect::first_value;
      ++i;
      continue;
    }
    if (levels.empty()) return std::nullopt;
    std::size_t end = i;
    if (c == '"') {
      bool bad = false;
      const std::size_t close = string_end(t, i + 1, bad);
      if (bad || (close == npos && !cut)) return std::nullopt;
      end = close == npos ? t.size() : close;
      if (secret) {
        if (i + 1 < end) spans.push_back({i + 1, end, *secret, secret_key});
      } else {
        mask.inner_spans(t.substr(i + 1, end - i - 1), i + 1, key, spans);
      }
      end = close == npos ? end : end + 1;
    } else if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
      while (end < t.size() && (std::isdigit(static_cast<unsigned char>(t[end])) || std::string_view("+-.eE").find(t[end]) != npos)) ++end;
      if (secret) spans.push_back({i, end, *secret, secret_key});
    } else if (!literal_at(t, i, "true", cut, end) && !literal_at(t, i, "false", cut, end) &&
               !literal_at(t, i, "null", cut, end)) {
      return std::nullopt;
    }
    i = end;
    expect = Expect::comma;
  }
  if (!done && !cut) return std::nullopt;
  return spans;
}

}  // namespace gmr::report
