#include "report/render/config_json.hpp"

#include <nlohmann/json.hpp>

#include <string_view>

#include "report/render/json_values.hpp"

namespace gmr::report {

namespace {

using json = nlohmann::ordered_json;

std::string_view mask_reason_name(MaskReason reason) {
  switch (reason) {
    case MaskReason::secret_key: return "secret_key";
    case MaskReason::mask_pattern: return "mask_pattern";
    case MaskReason::url_password: return "url_password";
    case MaskReason::private_key: return "private_key";
  }
  return "secret_key";
}

std::string_view shape_name(ConfigShape shape) {
  switch (shape) {
    case ConfigShape::ini: return "ini";
    case ConfigShape::json: return "json";
    case ConfigShape::yaml: return "yaml";
    case ConfigShape::env: return "env";
    case ConfigShape::text: return "text";
  }
  return "text";
}

}  // namespace

void to_json(json& out, const ConfigSource& source) {
  out = json{
      {"kind", source.kind == ConfigSource::Kind::symbol ? "symbol" : "file"},
      {"name", source.name},
      {"module", or_null(source.module)},
      {"type", or_null(source.type)},
      {"found_by", or_null(source.found_by)},
      {"resolved", or_null(source.resolved)},
  };
}

void to_json(json& out, const ValueMask& mask) {
  out = json{{"value", mask.value}, {"offset", mask.offset}, {"reason", mask_reason_name(mask.reason)}};
}

void to_json(json& out, const TextMask& mask) {
  out = json{{"line", mask.line},
             {"offset", mask.offset},
             {"key", or_null(mask.key)},
             {"reason", mask_reason_name(mask.reason)}};
}

void to_json(json& out, const ConfigOption& option) {
  out = json{{"key", option.key}, {"values", option.values}, {"masked", option.masked()}, {"masks", option.masks}};
}

void to_json(json& out, const ConfigGroup& group) {
  out = json{{"name", group.name}, {"options", group.options}};
}

void to_json(json& out, const ConfigBlock& block) {
  out = json{
      {"source", block.source},
      {"shape", block.shape ? json(shape_name(*block.shape)) : json(nullptr)},
      {"groups", block.groups},
      {"text", or_null(block.text)},
      {"masks", block.masks},
      {"truncated", block.truncated},
      {"error", or_null(block.error)},
  };
}

void to_json(json& out, const CustomSection& section) {
  out = json{{"title", section.title}, {"content", section.content}};
}

}  // namespace gmr::report
