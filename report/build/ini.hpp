// INI as oslo.config writes and reads it: "[group]" headers, "key = value" (or "key: value"), comment
// lines starting with '#' or ';', continuation lines starting with white space (joined with '\n'),
// repeated keys collected as a list, repeated groups merged. Untrusted text: never throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gmr::report {

struct IniOption {
  std::string key;
  std::vector<std::string> values;  // one per occurrence, in file order
};

struct IniGroup {
  std::string name;
  std::vector<IniOption> options;  // in order of first occurrence
};

/// The groups in order of first occurrence; nullopt when `text` is not INI (a line that is neither blank,
/// comment, header, option nor continuation; an option before any header; no header at all).
std::optional<std::vector<IniGroup>> parse_ini(std::string_view text);

}  // namespace gmr::report
