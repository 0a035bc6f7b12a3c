// Key-value pairs embedded in a longer text — libpq and ODBC connection strings, URL queries, command
// lines, a JSON or Python object inside a value — whose key names a secret. Untrusted text: never throws,
// linear time.
#pragma once

#include <string_view>
#include <vector>

#include "report/build/secret_span.hpp"
#include "report/build/secrets.hpp"

namespace gmr::report {

/// The values of the pairs in `text` whose key names a secret (mask.key_reason), as spans carrying that
/// key and reason:
/// - "key=value": the key the longest run of letters, digits, '_', '-' and '.' before the '=' (not "==");
///   the value a quoted string ('…' or "…" on the same line: masked inside the quotes) or the bytes up to
///   white space, ';', '&', a quote or the end ("password=x dbname=y", "Pwd=x;", "?token=x&a=b",
///   "--password=x");
/// - a quoted key ("key" or 'key', at most 256 bytes, on one line), then ':', '=' or "=>" and the value:
///   a quoted string (masked inside the quotes) or the bytes up to white space, ',', ';', '}', ']' or
///   ')' ({"password": "x"}, 'password' => 'x').
/// An empty value is no span.
std::vector<SecretSpan> pair_spans(std::string_view text, const SecretMask& mask);

}  // namespace gmr::report
