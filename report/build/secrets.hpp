// Secret masking. A secret value never reaches a Report unless the operator asked for it
// (--show-secrets): masking happens when the Report is built, so no renderer can leak one.
#pragma once

#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace gmr::report {

inline constexpr std::string_view masked_value = "***";

class SecretMask {
 public:
  /// `extra_keys`: more key patterns (--mask), matched anywhere in the key, case-insensitively.
  SecretMask(bool enabled, std::vector<std::regex> extra_keys = {});

  bool enabled() const { return enabled_; }

  /// A key that names a secret: password, passwd, passphrase, secret, token, credential, private key,
  /// api key, access key (any case, any separators) or one of the extra patterns. A key that merely
  /// contains "key" (keystone, key_manager) is not.
  bool secret_key(std::string_view key) const;

  /// The value of `key`, masked when the key names a secret, else with URL passwords masked.
  std::string value(std::string_view key, std::string_view value) const;

  /// Free text: the password of every "scheme://user:password@host" masked, and the value of every
  /// "key = value" / "key: value" line whose key names a secret.
  std::string text(std::string_view text) const;

 private:
  bool enabled_;
  std::vector<std::regex> extra_keys_;
};

/// Every URL password in `text` (url_userinfo.hpp) replaced by "***".
std::string mask_url_passwords(std::string_view text);

}  // namespace gmr::report
