#include "report/render/config_text.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "report/render/format.hpp"
#include "report/render/layout.hpp"

namespace gmr::report {
namespace {

std::string source_text(const ConfigSource& source) {
  if (source.kind == ConfigSource::Kind::symbol) {
    std::string text = "symbol " + printable(source.name);
    if (source.type) text += " (" + printable(*source.type) + ")";
    if (source.module) text += " in " + printable(*source.module);
    return text;
  }
  std::string text = "file " + printable(source.name);
  if (source.found_by) text += " (" + printable(*source.found_by) + ")";
  if (source.resolved && *source.resolved != source.name) text += ", opened as " + printable(*source.resolved);
  return text;
}

std::string_view shape_text(ConfigShape shape) {
  switch (shape) {
    case ConfigShape::ini: return "INI";
    case ConfigShape::json: return "JSON";
    case ConfigShape::yaml: return "YAML";
    case ConfigShape::env: return "shell environment (NAME=value)";
    case ConfigShape::text: return "text (no known shape: masked line by line)";
  }
  return "text";
}

std::string plural(std::size_t n, std::string_view what) {
  return std::to_string(n) + " " + std::string(what) + (n == 1 ? "" : "s");
}

/// "N: key, key (--mask), M URL passwords, K private keys": what was masked, each secret key once, in
/// order; empty when nothing was.
std::string masked_text(const ConfigBlock& block) {
  std::vector<std::pair<std::string, MaskReason>> keys;
  std::size_t total = 0, urls = 0, private_keys = 0;
  auto count = [&](MaskReason reason, const std::optional<std::string>& key) {
    ++total;
    if (reason == MaskReason::url_password) {
      ++urls;
    } else if (reason == MaskReason::private_key) {
      ++private_keys;
    } else if (key && std::ranges::find(keys, std::pair{*key, reason}) == keys.end()) {
      keys.emplace_back(*key, reason);
    }
  };
  for (const auto& group : block.groups)
    for (const auto& option : group.options)
      for (const auto& mask : option.masks) count(mask.reason, option.key);
  for (const auto& mask : block.masks) count(mask.reason, mask.key);
  if (total == 0) return {};
  std::vector<std::string> parts;
  for (const auto& [key, reason] : keys) parts.push_back(printable(key) + (reason == MaskReason::mask_pattern ? " (--mask)" : ""));
  if (urls > 0) parts.push_back(plural(urls, "URL password"));
  if (private_keys > 0) parts.push_back(plural(private_keys, "private key"));
  std::string text = std::to_string(total) + ":";
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i == 0 ? " " : ", ") + parts[i];
  return text;
}

/// Lines of a value: a list or a multi-line value gets one item per line under the key.
void render_option(const ConfigOption& option, std::ostream& out) {
  const bool single = option.values.size() == 1 && option.values[0].find('\n') == std::string::npos;
  if (single) {
    out << "  " << printable(option.key) << " = " << printable(option.values[0]) << '\n';
    return;
  }
  out << "  " << printable(option.key) << " =\n";
  for (const auto& value : option.values) {
    std::string_view rest = value;
    while (true) {
      const std::size_t nl = rest.find('\n');
      out << "    " << printable(rest.substr(0, nl)) << '\n';
      if (nl == std::string_view::npos) break;
      rest = rest.substr(nl + 1);
    }
  }
}

void render_block(const ConfigBlock& block, std::ostream& out) {
  out << layout::field("source", source_text(block.source));
  if (block.shape) out << layout::field("format", shape_text(*block.shape));
  if (block.error) out << layout::field("error", printable(*block.error));
  if (block.truncated) out << layout::field("truncated", "yes: only the first bytes were read (--max-config-bytes)");
  if (const auto masked = masked_text(block); !masked.empty()) out << layout::field("masked", masked);
  if (!block.groups.empty()) {
    for (const auto& group : block.groups) {
      out << '\n' << printable(group.name) << ":\n";
      for (const auto& option : group.options) render_option(option, out);
    }
  } else if (block.text) {
    out << '\n';
    std::string_view rest = *block.text;
    while (!rest.empty()) {
      const std::size_t nl = rest.find('\n');
      out << "  " << printable(rest.substr(0, nl)) << '\n';
      if (nl == std::string_view::npos) break;
      rest = rest.substr(nl + 1);
    }
  }
}

}  // namespace

void render_configuration(const Report& report, std::ostream& out) {
  out << layout::section_banner("Configuration");
  if (report.configuration.empty()) {
    out << "no configuration found: no gmr_config symbol and no sidecar file (see gmr(1), CONFIGURATION)\n";
    return;
  }
  for (std::size_t i = 0; i < report.configuration.size(); ++i) {
    if (i > 0) out << '\n';
    render_block(report.configuration[i], out);
  }
}

void render_custom_sections(const Report& report, std::ostream& out) {
  for (const auto& section : report.custom_sections) {
    out << '\n' << layout::section_banner(printable(section.title));
    render_block(section.content, out);
  }
}

}  // namespace gmr::report
