#include "report/build/env_secrets.hpp"

#include <cctype>

namespace gmr::report {
namespace {

constexpr auto npos = std::string_view::npos;

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool ends_word(char c) {
  return blank(c) || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')';
}

std::size_t skip_blanks(std::string_view t, std::size_t i) {
  while (i < t.size() && blank(t[i])) ++i;
  return i;
}

std::size_t line_end(std::string_view t, std::size_t i) {
  const std::size_t nl = t.find('\n', i);
  return nl == npos ? t.size() : nl;
}

/// Past the closing `q` of a quoted string whose contents start at `i`; backslash escapes when `escapes`.
std::size_t past_quote(std::string_view t, std::size_t i, char q, bool escapes) {
  while (i < t.size() && t[i] != q) i += (escapes && t[i] == '\\') ? 2 : 1;
  return std::min(i + 1, t.size());
}

/// The end of the shell word that starts at `i`.
std::size_t word_end(std::string_view t, std::size_t i) {
  while (i < t.size() && !ends_word(t[i])) {
    const char c = t[i];
    const char next = i + 1 < t.size() ? t[i + 1] : '\0';
    if (c == '\\') {
      i = std::min(i + 2, t.size());
    } else if (c == '\'') {
      i = past_quote(t, i + 1, '\'', false);
    } else if (c == '"') {
      i = past_quote(t, i + 1, '"', true);
    } else if (c == '`') {
      i = past_quote(t, i + 1, '`', true);
    } else if (c == '$' && next == '\'') {
      i = past_quote(t, i + 2, '\'', true);
    } else if (c == '$' && next == '(') {
      int depth = 1;
      for (i += 2; i < t.size() && depth > 0; ++i) depth += t[i] == '(' ? 1 : t[i] == ')' ? -1 : 0;
    } else {
      ++i;
    }
  }
  return i;
}

/// $NAME, ${NAME}, "$NAME", "${NAME}".
bool only_a_reference(std::string_view w) {
  if (w.size() >= 2 && w.front() == '"' && w.back() == '"') w = w.substr(1, w.size() - 2);
  if (w.size() < 2 || w[0] != '$') return false;
  w.remove_prefix(1);
  if (w.front() == '{') {
    if (w.back() != '}') return false;
    w = w.substr(1, w.size() - 2);
  }
  if (w.empty() || !name_start(w[0])) return false;
  for (char c : w)
    if (!name_char(c)) return false;
  return true;
}

/// The end of a NAME= at `i` (the '=' position), or npos.
std::size_t assignment_at(std::string_view t, std::size_t i) {
  if (i >= t.size() || !name_start(t[i])) return npos;
  std::size_t e = i;
  while (e < t.size() && name_char(t[e])) ++e;
  return e < t.size() && t[e] == '=' ? e : npos;
}

struct Assignments {
  std::size_t count = 0;
  bool exported = false;
  std::size_t other_commands = 0;
};

void mask_word(std::string_view t, std::string_view name, std::size_t begin, std::size_t end, const SecretMask& mask,
               std::vector<SecretSpan>& out) {
  const std::string_view word = t.substr(begin, end - begin);
  const auto reason = mask.key_reason(name);
  if (!reason) {
    mask.inner_spans(word, begin, std::string(name), out);
    return;
  }
  if (word.empty() || only_a_reference(word)) return;
  std::size_t b = begin;
  std::size_t e = end;
  const char q = word.front();
  if ((q == '\'' || q == '"') && word.size() >= 2 && past_quote(t, begin + 1, q, q == '"') == end) {
    ++b;
    --e;
  }
  // What follows on the line, when it is neither a comment nor another assignment, is part of the value.
  const std::size_t next = skip_blanks(t, end);
  if (next < t.size() && t[next] != '\n' && t[next] != '#' && t[next] != ';' && t[next] != '&' && t[next] != '|' &&
      assignment_at(t, next) == npos) {
    e = line_end(t, next);
    while (e > next && blank(t[e - 1])) --e;
  }
  if (b < e) out.push_back({b, e, *reason, std::string(name)});
}

}  // namespace

std::optional<std::vector<SecretSpan>> env_secret_spans(std::string_view t, const SecretMask& mask) {
  std::vector<SecretSpan> spans;
  Assignments seen;
  std::size_t i = 0;
  while (i < t.size()) {
    i = skip_blanks(t, i);
    if (i >= t.size()) break;
    if (t[i] == '\n') {
      ++i;
      continue;
    }
    if (t[i] == '#') {
      i = line_end(t, i);
      continue;
    }
    bool exported = false;
    if (t.substr(i, 6) == "export" && i + 6 < t.size() && blank(t[i + 6])) {
      exported = true;
      i = skip_blanks(t, i + 6);
    }
    bool assigned = false;
    for (std::size_t eq; (eq = assignment_at(t, i)) != npos;) {
      const std::size_t end = word_end(t, eq + 1);
      mask_word(t, t.substr(i, eq - i), eq + 1, end, mask, spans);
      assigned = true;
      ++seen.count;
      seen.exported |= exported;
      i = skip_blanks(t, end);
    }
    if (!assigned) ++seen.other_commands;
    const std::size_t end = line_end(t, i);
    mask.inner_spans(t.substr(i, end - i), i, std::nullopt, spans);
    i = end;
  }
  if (seen.count == 0 || (!seen.exported && seen.other_commands > 0)) return std::nullopt;
  return spans;
}

}  // namespace gmr::report
