// The text of source lines, each file read at most once and each line's text made once: every frame at the
// same line shares it (symbolize/shared_text.hpp).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "symbolize/shared_text.hpp"

namespace gmr::symbolize {

class SourceLines {
 public:
  /// Line `line` (1-based) of `path`, blanks trimmed at both ends; absent when the file cannot be read
  /// or is shorter.
  SharedText line(const std::string& path, int line);

 private:
  struct File {
    std::vector<std::string> lines;
    std::unordered_map<int, SharedText> trimmed;  // the lines asked for
  };
  std::map<std::string, std::optional<File>> files_;  // nullopt: unreadable
};

}  // namespace gmr::symbolize
