#include "symbolize/source_lines.hpp"

#include <fstream>

namespace gmr::symbolize {
namespace {

std::optional<std::vector<std::string>> read_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::vector<std::string> lines;
  for (std::string text; std::getline(in, text);) lines.push_back(std::move(text));
  if (in.bad()) return std::nullopt;
  return lines;
}

std::string trim(const std::string& text) {
  constexpr const char* blanks = " \t\r\n\v\f";
  const auto first = text.find_first_not_of(blanks);
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

}  // namespace

SharedText SourceLines::line(const std::string& path, int line) {
  auto it = files_.find(path);
  if (it == files_.end()) {
    std::optional<File> file;
    if (auto lines = read_lines(path)) file = File{std::move(*lines), {}};
    it = files_.emplace(path, std::move(file)).first;
  }
  auto& file = it->second;
  if (!file || line < 1 || static_cast<std::size_t>(line) > file->lines.size()) return {};
  auto [shown, added] = file->trimmed.try_emplace(line);
  if (added) shown->second = trim(file->lines[static_cast<std::size_t>(line) - 1]);
  return shown->second;
}

}  // namespace gmr::symbolize
