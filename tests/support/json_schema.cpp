#include "support/json_schema.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

#include "support/process.hpp"

namespace gmr::test {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

std::vector<nlohmann::json> parse_json_lines(const std::string& text) {
  std::vector<nlohmann::json> values;
  for (const auto& line : lines_of(text)) values.push_back(nlohmann::json::parse(line));
  return values;
}

SchemaCheck check_schema(const std::string& json_lines, bool whole_document) {
  char path[] = "/tmp/gmr-schema-check-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  ::close(fd);
  {
    std::ofstream out(path);
    // An indented document becomes one line, the form the validator reads.
    out << (whole_document ? nlohmann::json::parse(json_lines).dump() + "\n" : json_lines);
  }
  // python3-jsonschema needs ~19 s for a 1,000-thread report on an idle 2-core machine, and more than
  // run_command's default 30 s under load: a limit for a hung validator, not a speed claim.
  const RunResult result =
      run_command({"python3", std::string{GMR_SOURCE_DIR} + "/tests/support/validate_json.py",
                   std::string{GMR_SOURCE_DIR} + "/report/render/gmr-report.schema.json", path},
                  std::chrono::minutes(5));
  ::unlink(path);
  if (result.exit_code != 0 && result.err.find("Traceback") != std::string::npos)
    throw std::runtime_error("the JSON Schema validator failed (python3-jsonschema installed?): " + result.err);
  SchemaCheck check;
  check.valid = result.exit_code == 0;
  check.problems = result.err;
  if (check.valid) check.objects = std::stoul(result.out);
  return check;
}

}  // namespace gmr::test
