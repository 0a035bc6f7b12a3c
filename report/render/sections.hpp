// The sections of a report that --sections can select, in one place. The header block (pid, command line,
// capture facts) is not a section: it is always printed. A new section adds one enumerator and one row
// here, and its renderers ask `wanted(section)`. The JSON key of `custom` is custom_sections.
#pragma once

#include <array>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace gmr::report {

enum class Section { package, threads, green_threads, deadlocks, processes, configuration, custom };

struct SectionInfo {
  Section section;
  std::string_view name;  // as spelled in --sections and as the JSON key
};

inline constexpr std::array sections{
    SectionInfo{Section::package, "package"},
    SectionInfo{Section::threads, "threads"},
    SectionInfo{Section::green_threads, "green_threads"},  // a Python process's live greenlets
    SectionInfo{Section::deadlocks, "deadlocks"},  // the cycles of the lock analysis (empty when none)
    SectionInfo{Section::processes, "processes"},
    SectionInfo{Section::configuration, "configuration"},
    SectionInfo{Section::custom, "custom"},  // every section the program contributed (gmr_section_<Title>)
};

/// Which sections to render. Default: all of them.
class SectionSet {
 public:
  static SectionSet all() { return SectionSet{~0u}; }
  static SectionSet none() { return SectionSet{0u}; }
  /// A comma-separated list of names, or several such lists; order and repetition do not matter. An
  /// unknown or empty name is an error naming it and the known ones.
  static std::expected<SectionSet, std::string> parse(const std::vector<std::string>& lists);

  bool wanted(Section section) const { return (bits_ & bit(section)) != 0; }
  void add(Section section) { bits_ |= bit(section); }

 private:
  explicit SectionSet(unsigned bits) : bits_(bits) {}
  static unsigned bit(Section section) { return 1u << static_cast<unsigned>(section); }
  unsigned bits_;
};

/// "package, threads, processes": for messages and --help.
std::string known_section_names();

}  // namespace gmr::report
