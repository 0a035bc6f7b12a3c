// A span of configuration text that holds a secret: what the maskers of each shape find, and what
// apply_spans (masked_text.hpp) replaces by "***".
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "report/report.hpp"

namespace gmr::report {

struct SecretSpan {
  std::size_t begin = 0;  // byte offsets into the text the span was found in; begin < end
  std::size_t end = 0;
  MaskReason reason = MaskReason::secret_key;
  std::optional<std::string> key;  // the key whose value it is; absent when no key named or held it
};

}  // namespace gmr::report
