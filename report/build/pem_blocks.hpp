// PEM private keys anywhere in a text ("-----BEGIN RSA PRIVATE KEY-----" … "-----END RSA PRIVATE KEY-----"):
// a secret recognised by its content, whatever key holds it. Untrusted text: never throws, linear time.
#pragma once

#include <string_view>
#include <vector>

#include "report/build/secret_span.hpp"

namespace gmr::report {

/// The body of every PEM block whose label ends in "PRIVATE KEY" (RSA, EC, DSA, OPENSSH, ENCRYPTED…), as
/// spans with reason private_key and no key: everything between the end of the BEGIN line's marker and the
/// start of the END marker, or the end of the text when the block was cut. One span a line, each without
/// the line's leading white space, so that indentation and line ends are kept; a block inside one line (a
/// JSON string with "\n" escapes) is one span. The BEGIN and END markers stay visible.
std::vector<SecretSpan> private_key_spans(std::string_view text);

}  // namespace gmr::report
