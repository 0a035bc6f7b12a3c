#include "report/build/secrets.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "report/build/url_userinfo.hpp"

namespace gmr::report {
namespace {

// Compared against the key lower-cased with every non-alphanumeric character removed.
constexpr std::array<std::string_view, 9> secret_words = {
    "password", "passwd", "passphrase", "secret", "token", "credential", "privatekey", "apikey", "accesskey"};

// Keys are short; longer ones are not matched against user patterns (std::regex recurses per character).
constexpr std::size_t max_key_for_patterns = 1024;

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool names_secret(std::string_view key) {
  std::string squashed;
  for (char c : key)
    if (alnum(c)) squashed += lower(c);
  return std::ranges::any_of(secret_words, [&](std::string_view word) { return squashed.find(word) != std::string::npos; });
}

}  // namespace

SecretMask::SecretMask(bool enabled, std::vector<std::regex> extra_keys)
    : enabled_(enabled), extra_keys_(std::move(extra_keys)) {}

std::optional<MaskReason> SecretMask::key_reason(std::string_view key) const {
  if (!enabled_) return std::nullopt;
  if (names_secret(key)) return MaskReason::secret_key;
  if (key.size() > max_key_for_patterns) return std::nullopt;
  const std::string k(key);
  if (std::ranges::any_of(extra_keys_, [&](const std::regex& r) { return std::regex_search(k, r); }))
    return MaskReason::mask_pattern;
  return std::nullopt;
}

void SecretMask::inner_spans(std::string_view piece, std::size_t at, const std::optional<std::string>& key,
                             std::vector<SecretSpan>& out) const {
  if (!enabled_) return;
  for (auto span : url_password_spans(piece)) {
    span.begin += at;
    span.end += at;
    span.key = key;
    out.push_back(std::move(span));
  }
}

}  // namespace gmr::report
