#include "report/build/secrets.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "report/build/key_value_pairs.hpp"
#include "report/build/url_userinfo.hpp"

namespace gmr::report {
namespace {

// Compared against the key lower-cased with every non-alphanumeric character removed.
constexpr std::array<std::string_view, 11> secret_words = {
    "password",   "passwd", "passphrase", "secret",      "token",      "credential",
    "privatekey", "apikey", "accesskey",  "requirepass", "masterauth",
};

// Compared against each word of the key: too short to be looked for inside other words (bypass, cwd).
constexpr std::array<std::string_view, 2> secret_short_words = {"pass", "pwd"};

// Keys are short; longer ones are not matched against user patterns (std::regex recurses per character).
constexpr std::size_t max_key_for_patterns = 1024;

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

/// The words of a key, lower-cased: split at non-alphanumerics and where a lower-case letter or digit is
/// followed by an upper-case one ("dbPass" → db, pass).
std::vector<std::string> words_of(std::string_view key) {
  std::vector<std::string> words(1);
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    const bool boundary = !alnum(c) || (i > 0 && std::isupper(static_cast<unsigned char>(c)) &&
                                        (std::islower(static_cast<unsigned char>(key[i - 1])) ||
                                         std::isdigit(static_cast<unsigned char>(key[i - 1]))));
    if (boundary && !words.back().empty()) words.emplace_back();
    if (alnum(c)) words.back() += lower(c);
  }
  return words;
}

bool names_secret(std::string_view key) {
  std::string squashed;
  for (char c : key)
    if (alnum(c)) squashed += lower(c);
  for (auto word : secret_words)
    if (squashed.find(word) != std::string::npos) return true;
  if (squashed.find("pass") == std::string::npos && squashed.find("pwd") == std::string::npos) return false;
  for (const auto& word : words_of(key))
    if (std::ranges::find(secret_short_words, word) != secret_short_words.end()) return true;
  return false;
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
  for (auto span : pair_spans(piece, *this)) {
    span.begin += at;
    span.end += at;
    out.push_back(std::move(span));
  }
}

}  // namespace gmr::report
