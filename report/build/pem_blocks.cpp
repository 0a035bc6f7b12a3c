#include "report/build/pem_blocks.hpp"

namespace gmr::report {
namespace {

constexpr auto npos = std::string_view::npos;
constexpr std::string_view begin_marker = "-----BEGIN ";
constexpr std::string_view end_marker = "-----END ";
constexpr std::string_view dashes = "-----";
constexpr std::string_view private_label = "PRIVATE KEY";
constexpr std::size_t max_label = 64;

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/// The body's spans, one a line, without leading and trailing blanks.
void body_lines(std::string_view t, std::size_t begin, std::size_t end, std::vector<SecretSpan>& out) {
  const std::string_view upto = t.substr(0, end);  // a line end past the body is not looked for
  while (begin < end) {
    std::size_t nl = upto.find('\n', begin);
    if (nl == npos) nl = end;
    std::size_t b = begin;
    std::size_t e = nl;
    while (b < e && blank(t[b])) ++b;
    while (e > b && blank(t[e - 1])) --e;
    if (b < e) out.push_back({b, e, MaskReason::private_key, {}});
    begin = nl + 1;
  }
}

}  // namespace

std::vector<SecretSpan> private_key_spans(std::string_view t) {
  std::vector<SecretSpan> spans;
  std::size_t pos = 0;
  while ((pos = t.find(begin_marker, pos)) != npos) {
    const std::size_t label = pos + begin_marker.size();
    const std::size_t close = t.substr(label, max_label + dashes.size()).find(dashes);
    pos = label;
    if (close == npos) continue;
    const std::string_view name = t.substr(label, close);
    if (name.size() < private_label.size() || name.substr(name.size() - private_label.size()) != private_label) continue;
    const std::size_t body = label + close + dashes.size();
    std::size_t end = t.find(end_marker, body);
    if (end == npos) end = t.size();
    body_lines(t, body, end, spans);
    pos = end;
  }
  return spans;
}

}  // namespace gmr::report
