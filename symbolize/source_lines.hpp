// The text of source lines, each file read at most once.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gmr::symbolize {

class SourceLines {
 public:
  /// Line `line` (1-based) of `path`, blanks trimmed at both ends; nullopt when the file cannot be read
  /// or is shorter.
  std::optional<std::string> line(const std::string& path, int line);

 private:
  std::map<std::string, std::optional<std::vector<std::string>>> files_;  // nullopt: unreadable
};

}  // namespace gmr::symbolize
