// The output formats of a report, in one place: the CLI's --format choices, the renderer dispatch and the
// report file extension all come from this table. A new format adds one enumerator and one row.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace gmr::report {

enum class OutputFormat {
  text,  // the oslo.reports GMR layout (gmr(1) OUTPUT)
  json,    // one object per pid, schema gmr.report/2 (report/render/gmr-report.schema.json)
  folded,  // one line per distinct stack with its thread count, for flame graphs (folded_renderer.hpp)
};

struct OutputFormatInfo {
  OutputFormat format;
  std::string_view name;       // as spelled on the command line: --format NAME
  std::string_view extension;  // appended to --output-dir file names ("" for none)
};

inline constexpr std::array output_formats{
    OutputFormatInfo{OutputFormat::text, "text", ""},
    OutputFormatInfo{OutputFormat::json, "json", ".json"},
    OutputFormatInfo{OutputFormat::folded, "folded", ".folded"},
};

constexpr const OutputFormatInfo& info(OutputFormat format) {
  for (const auto& row : output_formats)
    if (row.format == format) return row;
  return output_formats.front();  // unreachable: every enumerator has a row
}

constexpr std::optional<OutputFormat> parse_output_format(std::string_view name) {
  for (const auto& row : output_formats)
    if (row.name == name) return row.format;
  return std::nullopt;
}

/// "text, json, folded": the --format choices as help and messages list them.
inline std::string output_format_names() {
  std::string names;
  for (const auto& row : output_formats) names += (names.empty() ? "" : ", ") + std::string{row.name};
  return names;
}

}  // namespace gmr::report
