#include "report/build/shaped_text.hpp"

#include "report/build/text_secrets.hpp"

namespace gmr::report {

ShapedText mask_shaped_text(std::string_view text, const SecretMask& mask) {
  return {ConfigShape::text, apply_spans(text, split_at_lines(text, text_secret_spans(text, mask)))};
}

MaskedText mask_value(std::string_view key, std::string_view value, const SecretMask& mask) {
  std::vector<SecretSpan> spans;
  if (const auto reason = mask.key_reason(key)) {
    spans.push_back({0, value.size(), *reason, std::string(key)});
  } else {
    mask.inner_spans(value, 0, std::string(key), spans);
  }
  return apply_spans(value, std::move(spans));
}

std::string mask_free_text(std::string_view text, const SecretMask& mask) {
  return mask_shaped_text(text, mask).masked.text;
}

}  // namespace gmr::report
