#include "report/build/url_userinfo.hpp"

#include <cctype>

namespace gmr::report {
namespace {

constexpr auto npos = std::string_view::npos;

// How far past a '?' or '#' the '@' of an unencoded password is looked for.
constexpr std::size_t max_unencoded_reach = 256;

bool scheme_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'; }

bool ends_url(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= ' ' || u == 0x7f || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>';
}

/// A path separator: '/' or JSON's escaped "\/".
bool slash_at(std::string_view t, std::size_t i) {
  return t[i] == '/' || (t[i] == '\\' && i + 1 < t.size() && t[i + 1] == '/');
}

/// Where the authority that starts at `from` ends.
std::size_t authority_end(std::string_view t, std::size_t from) {
  std::size_t query = npos;  // the first '?' or '#'
  bool at_before_query = false;
  bool at_after_query = false;
  std::size_t i = from;
  for (; i < t.size() && !ends_url(t[i]) && !slash_at(t, i); ++i) {
    if (query == npos) {
      if (t[i] == '?' || t[i] == '#') query = i;
      if (t[i] == '@') at_before_query = true;
    } else {
      if (at_before_query || i - query > max_unencoded_reach) break;
      if (t[i] == '@') at_after_query = true;
    }
  }
  if (query == npos || at_before_query || !at_after_query) return query == npos ? i : query;
  return i;
}

/// The passwords of the comma-separated hosts in t[from, end).
void passwords_in(std::string_view t, std::size_t from, std::size_t end, std::vector<SecretSpan>& out) {
  std::size_t run = from;  // just after the last host with user information
  std::size_t host = from;
  const std::string_view authority = t.substr(0, end);
  while (true) {
    std::size_t comma = authority.find(',', host);
    if (comma == npos) comma = end;
    const std::string_view entry = t.substr(host, comma - host);
    if (const std::size_t at = entry.rfind('@'); at != npos) {
      std::size_t colon = entry.substr(0, at).find(':');
      if (colon != npos) {
        colon += host;
      } else if (const std::size_t c = t.substr(run, host - run).find(':'); c != npos) {
        colon = run + c;  // "u:p,w@h": the ',' was in the password
      }
      if (colon != npos && colon + 1 < host + at) out.push_back({colon + 1, host + at, MaskReason::url_password, {}});
      run = comma + 1;
    }
    if (comma >= end) break;
    host = comma + 1;
  }
}

}  // namespace

std::vector<SecretSpan> url_password_spans(std::string_view text) {
  std::vector<SecretSpan> spans;
  std::size_t pos = 0;
  while ((pos = text.find(':', pos)) != npos) {
    const std::size_t colon = pos++;
    std::size_t authority = npos;
    if (text.substr(colon + 1, 2) == "//") authority = colon + 3;
    if (text.substr(colon + 1, 4) == "\\/\\/") authority = colon + 5;
    if (authority == npos) continue;
    std::size_t scheme = colon;
    while (scheme > 0 && scheme_char(text[scheme - 1])) --scheme;
    if (scheme == colon || !std::isalpha(static_cast<unsigned char>(text[scheme]))) continue;
    const std::size_t end = authority_end(text, authority);
    passwords_in(text, authority, end, spans);
    pos = std::max(end, authority);
  }
  return spans;
}

}  // namespace gmr::report
