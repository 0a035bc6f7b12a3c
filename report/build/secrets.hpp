// Secret masking. A secret value never reaches a Report unless the operator asked for it
// (--show-secrets): masking happens when the Report is built, so no renderer can leak one.
// SecretMask holds the rules every shape's masker shares: which keys name secrets, and which secrets hide
// inside any value (URL passwords, key=value pairs). The maskers of each shape (shaped_text.hpp) find the
// spans; apply_spans (masked_text.hpp) replaces them, so nothing outside a secret ever changes.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "report/build/secret_span.hpp"

namespace gmr::report {

inline constexpr std::string_view masked_value = "***";

class SecretMask {
 public:
  /// `extra_keys`: more key patterns (--mask), matched anywhere in the key, case-insensitively.
  SecretMask(bool enabled, std::vector<std::regex> extra_keys = {});

  bool enabled() const { return enabled_; }

  /// Why the value of `key` is a secret, or nullopt (always nullopt when masking is off):
  /// - secret_key: the key, lower-cased with every character but letters and digits removed, contains
  ///   password, passwd, passphrase, secret, token, credential, privatekey, apikey, accesskey,
  ///   requirepass or masterauth (redis); or one of its words (split at non-alphanumerics and
  ///   lower-to-upper case changes) is "pass" or "pwd" (DB_PASS, MYSQL_PWD, ODBC's PWD; the shell's
  ///   PWD too, which a configuration file has no reason to set). A key that merely contains "key"
  ///   (keystone, key_manager) is not secret.
  /// - mask_pattern: one of the --mask patterns matches it.
  std::optional<MaskReason> key_reason(std::string_view key) const;
  bool secret_key(std::string_view key) const { return key_reason(key).has_value(); }

  /// The secrets inside `piece`, a value that is not secret as a whole or a line of text, appended to
  /// `out` with offsets shifted by `at`: URL passwords (url_userinfo.hpp; carrying `key`, the key whose
  /// value holds the URL) and the values of embedded pairs with a secret key (key_value_pairs.hpp).
  /// Nothing when masking is off.
  void inner_spans(std::string_view piece, std::size_t at, const std::optional<std::string>& key,
                   std::vector<SecretSpan>& out) const;

 private:
  bool enabled_;
  std::vector<std::regex> extra_keys_;
};

}  // namespace gmr::report
