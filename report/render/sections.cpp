#include "report/render/sections.hpp"

namespace gmr::report {

std::string known_section_names() {
  std::string names;
  for (const auto& row : sections) names += (names.empty() ? "" : ", ") + std::string{row.name};
  return names;
}

std::expected<SectionSet, std::string> SectionSet::parse(const std::vector<std::string>& lists) {
  SectionSet set = none();
  for (const auto& list : lists) {
    std::string_view rest = list;
    for (;;) {
      const auto comma = rest.find(',');
      const std::string_view name = rest.substr(0, comma);
      bool known = false;
      for (const auto& row : sections)
        if (row.name == name) {
          set.add(row.section);
          known = true;
        }
      if (!known)
        return std::unexpected("unknown section '" + std::string{name} + "' (known: " + known_section_names() + ")");
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return set;
}

}  // namespace gmr::report
