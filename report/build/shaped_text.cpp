#include "report/build/shaped_text.hpp"

#include <algorithm>
#include <iterator>

#include "report/build/env_secrets.hpp"
#include "report/build/json_secrets.hpp"
#include "report/build/pem_blocks.hpp"
#include "report/build/text_secrets.hpp"
#include "report/build/yaml_secrets.hpp"

namespace gmr::report {

namespace {

/// `spans` and the private keys in `text`, applied line by line.
MaskedText apply_with_private_keys(std::string_view text, std::vector<SecretSpan> spans, const SecretMask& mask) {
  if (mask.enabled()) std::ranges::move(private_key_spans(text), std::back_inserter(spans));
  return apply_spans(text, split_at_lines(text, spans));
}

}  // namespace

ShapedText mask_shaped_text(std::string_view text, bool cut, const SecretMask& mask) {
  auto masked = [&](ConfigShape shape, std::vector<SecretSpan> spans) {
    return ShapedText{shape, {}, apply_with_private_keys(text, std::move(spans), mask)};
  };
  if (auto spans = json_secret_spans(text, cut, mask)) return masked(ConfigShape::json, std::move(*spans));
  if (auto groups = parse_ini(text)) return {ConfigShape::ini, std::move(*groups), {}};
  if (auto spans = env_secret_spans(text, mask)) return masked(ConfigShape::env, std::move(*spans));
  if (auto spans = yaml_secret_spans(text, mask)) return masked(ConfigShape::yaml, std::move(*spans));
  return masked(ConfigShape::text, text_secret_spans(text, mask));
}

MaskedText mask_value(std::string_view key, std::string_view value, const SecretMask& mask) {
  std::vector<SecretSpan> spans;
  if (const auto reason = mask.key_reason(key)) {
    spans.push_back({0, value.size(), *reason, std::string(key)});
  } else {
    mask.inner_spans(value, 0, std::string(key), spans);
  }
  return apply_with_private_keys(value, std::move(spans), mask);
}

std::string mask_free_text(std::string_view text, const SecretMask& mask) {
  return apply_with_private_keys(text, text_secret_spans(text, mask), mask).text;
}

}  // namespace gmr::report
