// Shell environment files: .env, openrc, systemd EnvironmentFile, "export NAME=value" scripts. Untrusted
// text: never throws, linear time.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "report/build/secret_span.hpp"
#include "report/build/secrets.hpp"

namespace gmr::report {

/// nullopt when `text` is not an environment file: it needs an assignment, and either an exported one
/// ("export NAME=…") or no line but assignments, blank lines and comments. Otherwise the secrets:
/// - "NAME=word" at the start of a command (after "export", or after another assignment), NAME a shell
///   identifier, the word as the shell reads it ('…', "…", $'…', $(…), `…` and backslash escapes, which may
///   span lines). When NAME names a secret the word is masked: inside its quotes when it is one quoted
///   string, else whole; when more than a comment or another assignment follows it on its line, to the
///   line's end (a docker env-file value runs to the line's end). A word that only refers to another
///   variable ($NAME, ${NAME}, "$NAME") is no secret and stays;
/// - everywhere else, the secrets inside values and lines (SecretMask::inner_spans).
/// Spans may cross lines; the caller splits them (split_at_lines).
std::optional<std::vector<SecretSpan>> env_secret_spans(std::string_view text, const SecretMask& mask);

}  // namespace gmr::report
