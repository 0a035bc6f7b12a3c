// The passwords in URLs' user information ("scheme://user:password@host"), found in any text: a config
// value, a line of a file, the inside of a JSON string. Untrusted text: never throws, linear time.
#pragma once

#include <string_view>
#include <vector>

#include "report/build/secret_span.hpp"

namespace gmr::report {

/// The password of every URL in `text`, as spans with reason url_password and no key; the rest of each
/// URL (user, hosts, ports, path) is outside them. Rules:
/// - a URL is "scheme://" (scheme: a letter, then letters, digits, '+', '-', '.'); JSON's escaped
///   ":\/\/" counts too;
/// - its authority ends at the path ('/' or "\/"), the query ('?'), the fragment ('#'), white space, a
///   control character or a quote ('"', '\'', '`', '<', '>'); when no '@' comes before a '?' or '#' but
///   one comes after it (within 256 bytes, before the path), the '?' or '#' was part of an unencoded
///   password and the authority ends at the path instead;
/// - the authority is a comma-separated list of hosts (oslo.messaging's transport_url, MongoDB, libpq):
///   each host with user information has its own password, from the first ':' to its last '@' (an
///   unencoded '@' belongs to the password, as Python's urlsplit reads it);
/// - a host whose user information has no ':' ("u@h") has no password, unless the hosts before it since
///   the last credentialed one hold a ':' that is not followed by it: then the ',' was part of an
///   unencoded password ("u:p,w@h": the password is "p,w");
/// - an empty password ("u:@h") is no span.
std::vector<SecretSpan> url_password_spans(std::string_view text);

}  // namespace gmr::report
