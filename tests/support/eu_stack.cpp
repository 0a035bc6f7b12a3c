#include "support/eu_stack.hpp"

#include <doctest/doctest.h>

#include <regex>
#include <sstream>

namespace gmr::test {

std::map<pid_t, std::vector<OracleFrame>> parse_eu_stack(const std::string& text) {
  std::map<pid_t, std::vector<OracleFrame>> threads;
  static const std::regex tid_line(R"(^TID (\d+):$)");
  static const std::regex frame_line(R"(^#(\d+)\s+0x([0-9a-f]+)(?:\s+(.*))?$)");
  std::istringstream in(text);
  std::string line;
  std::vector<OracleFrame>* current = nullptr;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, tid_line)) {
      current = &threads[static_cast<pid_t>(std::stol(m[1]))];
    } else if (std::regex_match(line, m, frame_line)) {
      REQUIRE_MESSAGE(current != nullptr, "frame line before any TID line: ", line);
      REQUIRE(std::stoul(m[1]) == current->size());
      OracleFrame frame{std::stoull(m[2], nullptr, 16), std::nullopt};
      if (m[3].matched && !m[3].str().empty()) frame.function = m[3].str();
      current->push_back(frame);
    }
  }
  return threads;
}

}  // namespace gmr::test
