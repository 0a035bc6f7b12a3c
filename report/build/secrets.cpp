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

bool space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

/// For a "key = value" / "key: value" line (key optionally quoted): the key and where the value starts.
bool split_key_line(std::string_view line, std::string_view& key, std::size_t& value_at) {
  std::size_t i = 0;
  while (i < line.size() && space(line[i])) ++i;
  const bool quoted = i < line.size() && (line[i] == '"' || line[i] == '\'');
  if (quoted) ++i;
  const std::size_t start = i;
  while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_' || line[i] == '-' || line[i] == '.')) ++i;
  if (i == start) return false;
  key = line.substr(start, i - start);
  if (quoted && i < line.size() && (line[i] == '"' || line[i] == '\'')) ++i;
  while (i < line.size() && space(line[i])) ++i;
  if (i >= line.size() || (line[i] != '=' && line[i] != ':')) return false;
  value_at = i + 1;
  return true;
}

}  // namespace

SecretMask::SecretMask(bool enabled, std::vector<std::regex> extra_keys)
    : enabled_(enabled), extra_keys_(std::move(extra_keys)) {}

bool SecretMask::secret_key(std::string_view key) const {
  std::string squashed;
  for (char c : key)
    if (std::isalnum(static_cast<unsigned char>(c))) squashed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto word : secret_words)
    if (squashed.find(word) != std::string::npos) return true;
  if (key.size() > max_key_for_patterns) return false;
  const std::string k(key);
  return std::any_of(extra_keys_.begin(), extra_keys_.end(), [&](const std::regex& r) { return std::regex_search(k, r); });
}

std::string SecretMask::value(std::string_view key, std::string_view value) const {
  if (!enabled_) return std::string(value);
  if (secret_key(key)) return std::string(masked_value);
  return mask_url_passwords(value);
}

std::string SecretMask::text(std::string_view text) const {
  if (!enabled_) return std::string(text);
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    std::string_view key;
    std::size_t value_at = 0;
    if (split_key_line(line, key, value_at) && secret_key(key)) {
      out.append(line.substr(0, value_at));
      out += " ";
      out += masked_value;
    } else {
      out += mask_url_passwords(line);
    }
    if (nl == std::string_view::npos) break;
    out += '\n';
    text = text.substr(nl + 1);
  }
  return out;
}

std::string mask_url_passwords(std::string_view text) {
  std::string out;
  std::size_t copied = 0;
  for (const auto& span : url_password_spans(text)) {
    out.append(text.substr(copied, span.begin - copied));
    out += masked_value;
    copied = span.end;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace gmr::report
