// The configuration's part of the Report (report/report.hpp): where each block came from, what was read
// (INI groups or text), and what was masked. Plain data, built by report/build/ and worded by the renderers.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace gmr::report {

/// Where a block of configuration came from.
struct ConfigSource {
  enum class Kind { symbol, file };
  Kind kind = Kind::symbol;
  std::string name;                        // the symbol name, or the file path as given or found
  std::optional<std::string> module;       // symbol: the ELF file that defines it
  std::optional<std::string> type;         // symbol: its type ("char[64]", "std::string"…)
  std::optional<std::string> found_by;     // file: "--sidecar", "GMR_SIDECAR", "--config-file", "--config-dir"
  std::optional<std::string> resolved;     // file: the path opened (inside the target's root)
};

/// Why gmr replaced part of the configuration by "***" (report/build/secrets.hpp has the rules).
enum class MaskReason {
  secret_key,    // the value of a key that names a secret (password, token…)
  mask_pattern,  // the value of a key that matches a --mask pattern
  url_password,  // the password in a URL's user information (scheme://user:***@host)
  private_key,   // the body of a PEM private key
};

/// One secret replaced by "***" in an option's value.
struct ValueMask {
  std::size_t value = 0;   // which of the option's values
  std::size_t offset = 0;  // byte offset of the "***" in that value
  MaskReason reason = MaskReason::secret_key;
};

/// One secret replaced by "***" in a block's text.
struct TextMask {
  std::size_t offset = 0;          // byte offset of the "***" in the text
  std::size_t line = 1;            // the 1-based line it stands on
  std::optional<std::string> key;  // the key whose value held the secret; absent when no key did
  MaskReason reason = MaskReason::secret_key;
};

/// How a block's content was read, recognised from the content itself (report/build/shaped_text.hpp).
enum class ConfigShape {
  ini,   // oslo.config INI: shown as groups
  json,
  yaml,
  env,   // shell variable assignments: .env, openrc, systemd EnvironmentFile
  text,  // anything else: masked line by line
};

struct ConfigOption {
  std::string key;
  std::vector<std::string> values;  // more than one: the key was repeated (a list)
  std::vector<ValueMask> masks;     // what was masked in the values, in order

  bool masked() const { return !masks.empty(); }
};

struct ConfigGroup {
  std::string name;
  std::vector<ConfigOption> options;  // sorted by key
};

/// One symbol's or one file's content: INI groups, or text when it is not INI, or an error.
struct ConfigBlock {
  ConfigSource source;
  std::optional<ConfigShape> shape;   // absent when nothing was read
  std::vector<ConfigGroup> groups;    // INI: DEFAULT first, then by name
  std::optional<std::string> text;    // not INI: the text, secrets masked
  std::vector<TextMask> masks;        // what was masked in `text`, in order
  bool truncated = false;             // cut at --max-config-bytes
  std::optional<std::string> error;   // nothing could be read, and why
};

/// A section the program contributed through a gmr_section_<Title> symbol.
struct CustomSection {
  std::string title;
  ConfigBlock content;
};

}  // namespace gmr::report
