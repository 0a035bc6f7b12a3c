// Test support: validating gmr's JSON output against report/render/gmr-report.schema.json with python3-jsonschema.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace gmr::test {

struct SchemaCheck {
  bool valid = false;
  std::size_t objects = 0;  // JSON objects checked
  std::string problems;     // one line per problem, from the validator
};

/// Validates every non-empty line of `json_lines` as one gmr.report/2 object (JSON Lines), or a whole
/// indented document when `whole_document`. Throws std::runtime_error when python3 cannot run.
SchemaCheck check_schema(const std::string& json_lines, bool whole_document = false);

/// Splits text into its non-empty lines.
std::vector<std::string> lines_of(const std::string& text);

/// One JSON value per non-empty line; throws nlohmann::json::parse_error on a line that is not JSON.
std::vector<nlohmann::json> parse_json_lines(const std::string& text);

}  // namespace gmr::test
