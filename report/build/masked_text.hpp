// Replacing secret spans by "***" and recording where each "***" now stands: the one place that edits
// configuration text, so that no character outside a secret span ever changes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "report/build/secret_span.hpp"
#include "report/report.hpp"

namespace gmr::report {

struct MaskedText {
  std::string text;
  std::vector<TextMask> masks;  // in text order
};

/// `text` with every span replaced by masked_value ("***"). Spans may come in any order; overlapping or
/// touching spans are merged into one (the first one's reason and key), spans past the end are clipped,
/// empty ones dropped. Every byte outside the spans is kept.
MaskedText apply_spans(std::string_view text, std::vector<SecretSpan> spans);

/// Splits spans at line ends: each piece holds no '\n', and no '\r' just before one. Masking line by line
/// keeps a text's line structure (a multi-line secret becomes one "***" a line).
std::vector<SecretSpan> split_at_lines(std::string_view text, const std::vector<SecretSpan>& spans);

}  // namespace gmr::report
