// Secrets in text of no known shape (and in lines embedded in other shapes, such as a YAML block scalar
// holding a whole configuration file). Untrusted text: never throws, linear time.
#pragma once

#include <string_view>
#include <vector>

#include "report/build/secret_span.hpp"
#include "report/build/secrets.hpp"

namespace gmr::report {

/// The secrets of every line of `text` (text_line_spans).
std::vector<SecretSpan> text_secret_spans(std::string_view text, const SecretMask& mask);

/// The secrets of one line (`line` holds no '\n'; spans are shifted by `at`, its offset in the text):
/// - a key line: optional indentation, "- " list markers and "export "; a key, bare (letters, digits,
///   '_', '-', '.') or quoted ('…', "…"); a separator "=", ":", "=>" or ":=" (after a bare key, ':' must
///   be followed by white space or the line's end); the value. When the key names a secret the value is
///   masked: inside its quotes when it is quoted and closed on the line, else up to the line's end less
///   trailing white space;
/// - a directive line ("requirepass foobared", redis.conf): a bare key naming a secret, white space and a
///   value, masked as a key line's;
/// - in every line, the secrets inside it (SecretMask::inner_spans: URL passwords, embedded pairs).
void text_line_spans(std::string_view line, std::size_t at, const SecretMask& mask, std::vector<SecretSpan>& out);

}  // namespace gmr::report
