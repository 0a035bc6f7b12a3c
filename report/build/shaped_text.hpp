// Configuration content: its shape recognised from the content (not from a file name), and its secrets
// masked by that shape's rules. The one place that decides the order in which shapes are tried.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/build/ini.hpp"
#include "report/build/masked_text.hpp"
#include "report/build/secrets.hpp"
#include "report/report.hpp"

namespace gmr::report {

struct ShapedText {
  ConfigShape shape = ConfigShape::text;
  std::vector<IniGroup> ini;  // INI: the groups, not yet masked (mask_value masks each value)
  MaskedText masked;          // any other shape: the text, masked
};

/// `text` recognised, in this order, as JSON (json_secrets.hpp: an object or array), INI (ini.hpp), a
/// shell environment file (env_secrets.hpp), YAML (yaml_secrets.hpp), or else text (text_secrets.hpp);
/// all but INI masked by that shape's rules, line by line. `cut`: the text
/// was cut at --max-config-bytes.
ShapedText mask_shaped_text(std::string_view text, bool cut, const SecretMask& mask);

/// One value of an INI option: all of it "***" when `key` names a secret (an empty value stays empty),
/// else the secrets inside it (SecretMask::inner_spans).
MaskedText mask_value(std::string_view key, std::string_view value, const SecretMask& mask);

/// Free text such as an error message, masked as text.
std::string mask_free_text(std::string_view text, const SecretMask& mask);

}  // namespace gmr::report
