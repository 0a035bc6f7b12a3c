#include "report/render/config_text.hpp"

#include <string>
#include <string_view>

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
  if (block.error) out << layout::field("error", printable(*block.error));
  if (block.truncated) out << layout::field("truncated", "yes: only the first bytes were read (--max-config-bytes)");
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
    out << "no configuration found: no " << printable(report.config_symbol)
        << " symbol and no sidecar file (see gmr(1), CONFIGURATION)\n";
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
