// The fuzz targets: every parser of untrusted text (attach/proc_parse.hpp; report/build/ini.hpp for the
// configuration files read from the target's root), fed arbitrary bytes, with the
// properties its result must keep whatever the input. Shared by the libFuzzer harnesses (harness/, built
// by .ci/fuzz with clang) and by the regression replay in the normal suite (replay_test.cpp), which runs
// every seed and every input that ever crashed a harness (corpus/<harness>/, regressions/<harness>/).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "attach/proc_parse.hpp"
#include "report/build/ini.hpp"

namespace gmr::fuzz {

/// A property the parser's result broke, or nothing.
using Violation = std::optional<std::string>;

inline Violation exercise_maps(std::string_view text) {
  for (const auto& m : attach::parse_maps(text)) {
    if (m.end < m.start) return "maps: end before start";
    if (m.perms.size() != 4) return "maps: perms not 4 characters";
    if (m.path.find('\n') != std::string::npos) return "maps: newline inside a path";
    if (m.path.size() > text.size()) return "maps: path longer than the input";
  }
  return std::nullopt;
}

inline Violation exercise_stat(std::string_view text) {
  auto s = attach::parse_stat(text);
  if (!s) return std::nullopt;
  if (s->name.size() + 2 > text.size()) return "stat: name longer than the input";
  if (text.find('(') == std::string_view::npos || text.rfind(')') == std::string_view::npos)
    return "stat: parsed without parentheses";
  return std::nullopt;
}

inline Violation exercise_status(std::string_view text) {
  auto s = attach::parse_status(text);
  if (s.state && text.find("State:") == std::string_view::npos) return "status: a state out of nowhere";
  if (s.uids && text.find("Uid:") == std::string_view::npos) return "status: uids out of nowhere";
  return std::nullopt;
}

inline Violation exercise_syscall(std::string_view text) {
  auto s = attach::parse_syscall(text);
  if (!s || s->running) return std::nullopt;
  if (!s->sp || !s->pc) return "syscall: parsed without SP and PC";
  return std::nullopt;
}

inline Violation exercise_cmdline(std::string_view bytes) {
  // Round trip: the arguments joined with NULs are the input less its trailing NULs (a rewritten title's
  // padding is no argument).
  std::string joined;
  const auto args = attach::parse_cmdline(bytes);
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i > 0) joined += '\0';
    joined += args[i];
  }
  std::string_view expected = bytes;
  while (!expected.empty() && expected.back() == '\0') expected.remove_suffix(1);
  if (joined != expected) return "cmdline: arguments do not join back into the input";
  return std::nullopt;
}

inline Violation exercise_ini(std::string_view text) {
  auto groups = report::parse_ini(text);
  if (!groups) return std::nullopt;
  for (const auto& g : *groups) {
    if (g.name.size() > text.size()) return "ini: group name longer than the input";
    for (const auto& o : g.options) {
      if (o.values.empty()) return "ini: an option without a value";
      for (const auto& v : o.values)
        if (v.size() > text.size()) return "ini: value longer than the input";
    }
  }
  return std::nullopt;
}

struct Harness {
  const char* name;  // also the directory of its corpus and regressions
  Violation (*exercise)(std::string_view);
};

inline constexpr Harness harnesses[] = {
    {"maps", exercise_maps},       {"stat", exercise_stat},         {"status", exercise_status},
    {"syscall", exercise_syscall}, {"cmdline", exercise_cmdline},   {"ini", exercise_ini},
};

}  // namespace gmr::fuzz
