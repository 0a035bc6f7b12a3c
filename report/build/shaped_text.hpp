// Configuration content that is not INI: its shape recognised from the content (not from a file name),
// and its secrets masked by that shape's rules. INI is recognised first by the caller (ini.hpp): it
// becomes groups.
#pragma once

#include <string>
#include <string_view>

#include "report/build/masked_text.hpp"
#include "report/build/secrets.hpp"
#include "report/report.hpp"

namespace gmr::report {

struct ShapedText {
  ConfigShape shape = ConfigShape::text;
  MaskedText masked;
};

/// `text` (not INI) as text (text_secrets.hpp), masked line by line.
ShapedText mask_shaped_text(std::string_view text, const SecretMask& mask);

/// One value of an INI option: all of it "***" when `key` names a secret (an empty value stays empty),
/// else the secrets inside it (SecretMask::inner_spans).
MaskedText mask_value(std::string_view key, std::string_view value, const SecretMask& mask);

/// Free text such as an error message, masked as text.
std::string mask_free_text(std::string_view text, const SecretMask& mask);

}  // namespace gmr::report
