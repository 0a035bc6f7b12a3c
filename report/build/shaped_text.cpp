#include "report/build/shaped_text.hpp"

#include "report/build/env_secrets.hpp"
#include "report/build/json_secrets.hpp"
#include "report/build/text_secrets.hpp"
#include "report/build/yaml_secrets.hpp"

namespace gmr::report {

namespace {

ShapedText masked(ConfigShape shape, std::string_view text, const std::vector<SecretSpan>& spans) {
  return {shape, {}, apply_spans(text, split_at_lines(text, spans))};
}

}  // namespace

ShapedText mask_shaped_text(std::string_view text, bool cut, const SecretMask& mask) {
  if (auto spans = json_secret_spans(text, cut, mask)) return masked(ConfigShape::json, text, *spans);
  if (auto groups = parse_ini(text)) return {ConfigShape::ini, std::move(*groups), {}};
  if (auto spans = env_secret_spans(text, mask)) return masked(ConfigShape::env, text, *spans);
  if (auto spans = yaml_secret_spans(text, mask)) return masked(ConfigShape::yaml, text, *spans);
  return masked(ConfigShape::text, text, text_secret_spans(text, mask));
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
  return apply_spans(text, split_at_lines(text, text_secret_spans(text, mask))).text;
}

}  // namespace gmr::report
