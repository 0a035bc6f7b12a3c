#include "report/build/ini.hpp"

#include <algorithm>

namespace gmr::report {
namespace {

constexpr std::string_view blanks = " \t\r\f\v";

std::string_view trim(std::string_view s) {
  const std::size_t b = s.find_first_not_of(blanks);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(blanks) - b + 1);
}

IniOption& option_in(IniGroup& group, std::string_view key) {
  auto it = std::find_if(group.options.begin(), group.options.end(), [&](const IniOption& o) { return o.key == key; });
  if (it != group.options.end()) return *it;
  group.options.push_back({std::string(key), {}});
  return group.options.back();
}

}  // namespace

std::optional<std::vector<IniGroup>> parse_ini(std::string_view text) {
  std::vector<IniGroup> groups;
  IniGroup* group = nullptr;
  std::string* last_value = nullptr;  // the value a continuation line extends
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    if (trim(line).empty()) {
      last_value = nullptr;
      continue;
    }
    if (line.front() == '#' || line.front() == ';') continue;
    if (line.front() == ' ' || line.front() == '\t') {
      if (!last_value) return std::nullopt;
      *last_value += '\n';
      *last_value += trim(line);
      continue;
    }
    const std::string_view stripped = trim(line);
    if (stripped.front() == '[') {
      if (stripped.back() != ']') return std::nullopt;
      const std::string_view name = trim(stripped.substr(1, stripped.size() - 2));
      if (name.empty()) return std::nullopt;
      auto it = std::find_if(groups.begin(), groups.end(), [&](const IniGroup& g) { return g.name == name; });
      if (it == groups.end()) {
        groups.push_back({std::string(name), {}});
        it = groups.end() - 1;
      }
      group = &*it;
      last_value = nullptr;
      continue;
    }
    const std::size_t sep = line.find_first_of("=:");
    if (sep == std::string_view::npos || !group) return std::nullopt;
    const std::string_view key = trim(line.substr(0, sep));
    if (key.empty()) return std::nullopt;
    IniOption& option = option_in(*group, key);
    option.values.emplace_back(trim(line.substr(sep + 1)));
    last_value = &option.values.back();
  }
  if (groups.empty()) return std::nullopt;
  return groups;
}

}  // namespace gmr::report
