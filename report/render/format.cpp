#include "report/render/format.hpp"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>

#include "attach/base/proc_state.hpp"

namespace gmr::report {

namespace {

// v / d rounded half away from zero; d > 0.
std::int64_t round_div(std::int64_t v, std::int64_t d) {
  return v >= 0 ? (v + d / 2) / d : -((-v + d / 2) / d);
}

// "<units>.<thousandths>" for a count of thousandths, with its sign.
std::string fixed_3(std::int64_t thousandths) {
  char buf[32];
  const char* sign = thousandths < 0 ? "-" : "";
  const auto magnitude = static_cast<std::uint64_t>(std::llabs(thousandths));
  std::snprintf(buf, sizeof buf, "%s%" PRIu64 ".%03" PRIu64, sign, magnitude / 1000, magnitude % 1000);
  return buf;
}

bool shell_safe(unsigned char c) {
  if (c >= 0x80) return true;  // UTF-8: not special to the shell
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view{"@%+=:,./-_"}.find(static_cast<char>(c)) != std::string_view::npos;
}

std::string shell_quote(std::string_view word) {
  bool safe = !word.empty();
  for (unsigned char c : word) safe = safe && shell_safe(c);
  if (safe) return std::string{word};
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string{"'\\''"} : std::string(1, c);
  return quoted + "'";
}

}  // namespace

std::string format_address(std::uint64_t address) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016" PRIx64, address);
  return buf;
}

std::string format_hex(std::uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, value);
  return buf;
}

std::string format_state(std::optional<char> state, const std::optional<std::string>& name) {
  std::optional<std::string> label = name;
  if (!label && state) {
    if (auto known = attach::proc_state_name(*state)) label = std::string{*known};
  }
  if (state && label) return std::string(1, *state) + " (" + printable(*label) + ")";
  if (state) return printable(std::string_view{&*state, 1});
  if (label) return printable(*label);
  return "unknown";
}

std::string format_milliseconds(std::chrono::nanoseconds duration) {
  return fixed_3(round_div(duration.count(), 1000)) + " ms";
}

std::string format_seconds(std::chrono::microseconds duration) {
  return fixed_3(round_div(duration.count(), 1000)) + " s";
}

std::string format_utc_timestamp(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{floor<microseconds>(time - day)};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return buf;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c >= 0x20 && c != 0x7f) {
      out += static_cast<char>(c);
      continue;
    }
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", c);
    out += buf;
  }
  return out;
}

std::string join_words(const std::vector<std::string>& words, std::string_view separator) {
  std::string joined;
  for (const auto& word : words) joined += (joined.empty() ? "" : std::string{separator}) + word;
  return joined;
}

std::string format_command_line(const std::vector<std::string>& argv) {
  // One argument: a title a program wrote over its argv[0] ("postgres: app db [local] idle"), shown as
  // ps(1) shows it; with nothing to tell it apart from, it needs no quotes.
  if (argv.size() == 1) return printable(argv[0]);
  std::string line;
  for (const auto& word : argv) {
    if (!line.empty()) line += ' ';
    line += shell_quote(word);
  }
  return printable(line);
}

}  // namespace gmr::report
