// The fuzz targets: every parser of untrusted text (attach/proc_parse.hpp; report/build/ini.hpp and the
// secret maskers of report/build/ for the configuration read from the target), fed arbitrary bytes, with the
// properties its result must keep whatever the input. Shared by the libFuzzer harnesses (harness/, built
// by .ci/fuzz with clang) and by the regression replay in the normal suite (replay_test.cpp), which runs
// every seed and every input that ever crashed a harness (corpus/<harness>/, regressions/<harness>/).
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attach/proc_parse.hpp"
#include "report/build/env_secrets.hpp"
#include "report/build/ini.hpp"
#include "report/build/json_secrets.hpp"
#include "report/build/key_value_pairs.hpp"
#include "report/build/masked_text.hpp"
#include "report/build/pem_blocks.hpp"
#include "report/build/secrets.hpp"
#include "report/build/text_secrets.hpp"
#include "report/build/url_userinfo.hpp"
#include "report/build/yaml_secrets.hpp"

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

inline Violation exercise_url(std::string_view text) {
  std::size_t previous_end = 0;
  for (const auto& span : report::url_password_spans(text)) {
    if (span.begin >= span.end || span.end > text.size()) return "url: an empty span or one past the end";
    if (span.begin < previous_end) return "url: spans overlap or are out of order";
    if (span.begin == 0 || text[span.begin - 1] != ':') return "url: a password not after a ':'";
    if (span.end == text.size() || text[span.end] != '@') return "url: a password not before an '@'";
    for (char c : text.substr(span.begin, span.end - span.begin))
      if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '\'' || c == '/') return "url: a password past the URL's end";
    previous_end = span.end;
  }
  return std::nullopt;
}

/// What every secret masker's spans keep, whatever the text: each inside the text and not empty; split at
/// line ends and applied, the text keeps its lines, every byte outside the spans, and each recorded "***"
/// stands where its mask says.
inline Violation check_spans(const std::string& masker, std::string_view text,
                             const std::vector<report::SecretSpan>& spans) {
  for (const auto& span : spans)
    if (span.begin >= span.end || span.end > text.size()) return masker + ": an empty span or one past the end";
  const auto pieces = report::split_at_lines(text, spans);
  std::vector<bool> secret(text.size(), false);
  for (const auto& piece : pieces) {
    if (text.substr(piece.begin, piece.end - piece.begin).find('\n') != std::string_view::npos)
      return masker + ": a piece holds a line end";
    std::fill(secret.begin() + static_cast<std::ptrdiff_t>(piece.begin),
              secret.begin() + static_cast<std::ptrdiff_t>(piece.end), true);
  }
  const auto masked = report::apply_spans(text, pieces);
  if (std::ranges::count(masked.text, '\n') != std::ranges::count(text, '\n')) return masker + ": lines added or lost";
  std::string kept_before;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (!secret[i]) kept_before += text[i];
  std::string kept_after;
  std::size_t at = 0;
  std::size_t line = 1;
  for (const auto& mask : masked.masks) {
    if (mask.offset < at || masked.text.compare(mask.offset, 3, "***") != 0) return masker + ": a mask not on its ***";
    const auto between = std::string_view(masked.text).substr(at, mask.offset - at);
    line += static_cast<std::size_t>(std::ranges::count(between, '\n'));
    if (mask.line != line) return masker + ": a mask on the wrong line";
    kept_after.append(between);
    at = mask.offset + 3;
  }
  kept_after.append(masked.text, std::min(at, masked.text.size()));
  if (kept_after != kept_before) return masker + ": a byte outside the secrets changed";
  return std::nullopt;
}

inline Violation exercise_text(std::string_view text) {
  return check_spans("text", text, report::text_secret_spans(text, report::SecretMask(true)));
}

inline Violation exercise_json(std::string_view text) {
  const report::SecretMask mask(true);
  const auto whole = report::json_secret_spans(text, false, mask);
  const auto cut = report::json_secret_spans(text, true, mask);
  if (whole && !cut) return "json: a whole document refused as a cut one";
  if (whole && cut && whole->size() != cut->size()) return "json: a whole document masked otherwise when cut";
  if (cut) {
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    const std::size_t start = text.starts_with("\xEF\xBB\xBF") ? text.find_first_not_of(" \t\r\n", 3) : first;
    if (start == std::string_view::npos || (text[start] != '{' && text[start] != '[')) return "json: not an object or array";
    return check_spans("json", text, *cut);
  }
  return std::nullopt;
}

inline Violation exercise_env(std::string_view text) {
  const auto spans = report::env_secret_spans(text, report::SecretMask(true));
  if (!spans) return std::nullopt;
  if (text.find('=') == std::string_view::npos) return "env: recognised without an assignment";
  return check_spans("env", text, *spans);
}

inline Violation exercise_yaml(std::string_view text) {
  const auto spans = report::yaml_secret_spans(text, report::SecretMask(true));
  if (!spans) return std::nullopt;
  if (text.find(':') == std::string_view::npos) return "yaml: recognised without a key";
  return check_spans("yaml", text, *spans);
}

inline Violation exercise_pairs(std::string_view text) {
  const report::SecretMask mask(true);
  const auto spans = report::pair_spans(text, mask);
  for (const auto& span : spans)
    if (!span.key || !mask.secret_key(*span.key)) return "pairs: a value masked for a key that names no secret";
  return check_spans("pairs", text, spans);
}

inline Violation exercise_pem(std::string_view text) {
  const auto spans = report::private_key_spans(text);
  for (const auto& span : spans) {
    if (text.substr(0, span.begin).find("-----BEGIN ") == std::string_view::npos) return "pem: a body before any BEGIN";
    if (text[span.begin] == ' ' || text[span.begin] == '\t') return "pem: a body piece with its indentation";
  }
  return check_spans("pem", text, spans);
}

struct Harness {
  const char* name;  // also the directory of its corpus and regressions
  Violation (*exercise)(std::string_view);
};

inline constexpr Harness harnesses[] = {
    {"maps", exercise_maps},       {"stat", exercise_stat},         {"status", exercise_status},
    {"syscall", exercise_syscall}, {"cmdline", exercise_cmdline},   {"ini", exercise_ini},
    {"url", exercise_url},         {"text", exercise_text},         {"json", exercise_json},
    {"env", exercise_env},         {"yaml", exercise_yaml},         {"pairs", exercise_pairs},
    {"pem", exercise_pem},
};

}  // namespace gmr::fuzz
