#include "report/build/config_sections.hpp"

#include <algorithm>

#include "report/build/shaped_text.hpp"
#include "symbolize/known_symbols_plan.hpp"

namespace gmr::report {
namespace {

std::vector<report::ConfigGroup> groups_of(std::vector<report::IniGroup> ini, const report::SecretMask& mask) {
  std::vector<report::ConfigGroup> groups;
  for (auto& g : ini) {
    report::ConfigGroup group{std::move(g.name), {}};
    for (auto& o : g.options) {
      report::ConfigOption option{o.key, {}, {}};
      for (std::size_t i = 0; i < o.values.size(); ++i) {
        auto masked = mask_value(o.key, o.values[i], mask);
        for (const auto& m : masked.masks) option.masks.push_back({i, m.offset, m.reason});
        option.values.push_back(std::move(masked.text));
      }
      group.options.push_back(std::move(option));
    }
    std::sort(group.options.begin(), group.options.end(),
              [](const report::ConfigOption& a, const report::ConfigOption& b) { return a.key < b.key; });
    groups.push_back(std::move(group));
  }
  std::sort(groups.begin(), groups.end(), [](const report::ConfigGroup& a, const report::ConfigGroup& b) {
    if ((a.name == "DEFAULT") != (b.name == "DEFAULT")) return a.name == "DEFAULT";
    return a.name < b.name;
  });
  return groups;
}

report::ConfigSource symbol_source(const attach::SymbolValue& value) {
  report::ConfigSource source;
  source.kind = report::ConfigSource::Kind::symbol;
  source.name = value.symbol.name;
  source.module = value.symbol.module;
  if (!value.symbol.type_name.empty()) source.type = value.symbol.type_name;
  return source;
}

report::ConfigBlock symbol_block(const attach::SymbolValue& value, const report::SecretMask& mask) {
  report::ConfigBlock block = config_block(symbol_source(value), value.text, value.truncated, mask);
  if (value.error) block.error = mask_free_text(*value.error, mask);
  return block;
}

report::ConfigBlock file_block(const attach::SidecarFile& file, const report::SecretMask& mask) {
  report::ConfigSource source;
  source.kind = report::ConfigSource::Kind::file;
  source.name = file.path;
  source.found_by = file.found_by;
  source.resolved = file.resolved;
  report::ConfigBlock block = config_block(std::move(source), file.content, file.truncated, mask);
  block.error = file.error;
  return block;
}

std::optional<std::string> plain_value(const attach::SymbolValue& value) {
  if (!value.text) return std::nullopt;
  std::string text = *value.text;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

report::ConfigBlock config_block(report::ConfigSource source, const std::optional<std::string>& text,
                                 bool truncated, const report::SecretMask& mask) {
  report::ConfigBlock block;
  block.source = std::move(source);
  block.truncated = truncated;
  if (!text) return block;
  auto shaped = mask_shaped_text(*text, truncated, mask);
  block.shape = shaped.shape;
  if (shaped.shape == report::ConfigShape::ini) {
    block.groups = groups_of(std::move(shaped.ini), mask);
  } else {
    block.text = std::move(shaped.masked.text);
    block.masks = std::move(shaped.masked.masks);
  }
  return block;
}

ConfigSections config_sections(const attach::Snapshot& snapshot, const std::string& config_symbol,
                               const report::SecretMask& mask) {
  ConfigSections sections;
  for (const auto& value : snapshot.symbols) {
    const std::string& name = value.symbol.name;
    if (name == config_symbol) {
      sections.configuration.insert(sections.configuration.begin(), symbol_block(value, mask));
    } else if (name == "gmr_version") {
      sections.version = plain_value(value);
    } else if (name == "gmr_product") {
      sections.product = plain_value(value);
    } else if (name == "gmr_vendor") {
      sections.vendor = plain_value(value);
    } else if (name.starts_with(symbolize::section_symbol_prefix)) {
      sections.custom.push_back({name.substr(symbolize::section_symbol_prefix.size()), symbol_block(value, mask)});
    }
  }
  for (const auto& file : snapshot.sidecars) sections.configuration.push_back(file_block(file, mask));
  std::sort(sections.custom.begin(), sections.custom.end(),
            [](const report::CustomSection& a, const report::CustomSection& b) { return a.title < b.title; });
  return sections;
}

}  // namespace gmr::report
