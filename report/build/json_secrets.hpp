// JSON configuration. Untrusted text: never throws, linear time, no recursion.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "report/build/secret_span.hpp"
#include "report/build/secrets.hpp"

namespace gmr::report {

/// nullopt when `text` is not JSON: its first byte after white space (and a UTF-8 byte order mark) is not
/// '{' or '[', a syntax error comes before its end, or it nests deeper than 1000 levels. When `cut` (the
/// text was cut at --max-config-bytes) it may end anywhere inside the document. Otherwise the secrets:
/// - the value of a member whose key (its escapes decoded) names a secret: a string inside its quotes, a
///   number; an object or array holds such values at any depth, each masked (its keys stay); true, false
///   and null are no secrets;
/// - in every other string value, the secrets inside it (SecretMask::inner_spans, JSON's "\/" included),
///   carrying the innermost member's key.
std::optional<std::vector<SecretSpan>> json_secret_spans(std::string_view text, bool cut, const SecretMask& mask);

}  // namespace gmr::report
