// The Configuration section, the custom sections and the Package section's product/vendor/version, from
// the known symbols' values and the sidecar files of a Snapshot. Secrets are masked here, before anything
// reaches the Report.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "attach/snapshot.hpp"
#include "report/report.hpp"
#include "report/build/secrets.hpp"

namespace gmr::report {

struct ConfigSections {
  std::vector<report::ConfigBlock> configuration;  // the config symbol first, then files in discovery order
  std::vector<report::CustomSection> custom;       // by title
  std::optional<std::string> product;
  std::optional<std::string> vendor;
  std::optional<std::string> version;
};

ConfigSections config_sections(const attach::Snapshot& snapshot, const std::string& config_symbol,
                               const report::SecretMask& mask);

/// `text` as INI groups (sorted: DEFAULT first, then by name; keys by name) or, when it is not INI, as
/// text of the shape it has (shaped_text.hpp), secrets masked. `truncated`: cut at --max-config-bytes.
report::ConfigBlock config_block(report::ConfigSource source, const std::optional<std::string>& text,
                                 bool truncated, const report::SecretMask& mask);

}  // namespace gmr::report
