// YAML configuration (block style, as written by hand, Helm, Kubernetes, Ansible). Untrusted text:
// never throws, linear time.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "report/build/secret_span.hpp"
#include "report/build/secrets.hpp"

namespace gmr::report {

/// nullopt when `text` is not YAML by these rules: every line is blank, a comment, a document marker
/// ("---", "...", "%" directives), a "key: value" line (bare or quoted key; ':' then white space or the
/// line's end), a "- " sequence item, or belongs to the value of a line above it (a block scalar "|"/">",
/// a quoted scalar that continues, a plain scalar's continuation, the nested lines of an empty value);
/// indentation is spaces only; a flow collection ({…}, […]) closes on its line; at least one key line.
/// Otherwise the secrets:
/// - under a key that names a secret, every scalar: a plain one up to " #" (not null or ~), a quoted one
///   inside its quotes, each line of a block scalar less its indentation, a flow collection inside its
///   brackets, and every scalar of the nested lines below it (their keys stay). Tags and anchors before a
///   value stay; an alias (*name) is no secret;
/// - the lines of a block scalar under another key are text (text_line_spans): a configuration file
///   embedded in a Kubernetes ConfigMap or a Helm value is masked as such;
/// - everywhere else, the secrets inside values (SecretMask::inner_spans).
/// Spans may cross lines; the caller splits them (split_at_lines).
std::optional<std::vector<SecretSpan>> yaml_secret_spans(std::string_view text, const SecretMask& mask);

}  // namespace gmr::report
