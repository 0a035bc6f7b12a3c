#include "report/build/masked_text.hpp"

#include <algorithm>

#include "report/build/secrets.hpp"

namespace gmr::report {

MaskedText apply_spans(std::string_view text, std::vector<SecretSpan> spans) {
  std::ranges::sort(spans, {}, &SecretSpan::begin);
  MaskedText out;
  out.text.reserve(text.size());
  std::size_t copied = 0;
  std::size_t line = 1;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const SecretSpan& first = spans[i];
    const std::size_t begin = std::max(first.begin, copied);
    std::size_t end = std::min(first.end, text.size());
    while (i + 1 < spans.size() && spans[i + 1].begin <= end) end = std::max(end, std::min(spans[++i].end, text.size()));
    if (begin >= end) continue;
    const std::string_view kept = text.substr(copied, begin - copied);
    line += static_cast<std::size_t>(std::ranges::count(kept, '\n'));
    out.text.append(kept);
    out.masks.push_back({out.text.size(), line, first.key, first.reason});
    out.text += masked_value;
    line += static_cast<std::size_t>(std::ranges::count(text.substr(begin, end - begin), '\n'));
    copied = end;
  }
  out.text.append(text.substr(copied));
  return out;
}

std::vector<SecretSpan> split_at_lines(std::string_view text, const std::vector<SecretSpan>& spans) {
  std::vector<SecretSpan> out;
  for (const auto& span : spans) {
    std::size_t begin = span.begin;
    const std::size_t end = std::min(span.end, text.size());
    const std::string_view upto = text.substr(0, end);  // a line end past the span is not looked for
    while (begin < end) {
      std::size_t nl = upto.find('\n', begin);
      if (nl == std::string_view::npos) nl = end;
      std::size_t piece_end = nl;
      if (piece_end > begin && piece_end < text.size() && text[piece_end] == '\n' && text[piece_end - 1] == '\r') --piece_end;
      if (begin < piece_end) out.push_back({begin, piece_end, span.reason, span.key});
      begin = nl + 1;
    }
  }
  return out;
}

}  // namespace gmr::report
