#include "attach/proc_parse.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace gmr::attach {
namespace {

std::string_view next_token(std::string_view& s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) {
    s = {};
    return {};
  }
  std::size_t e = s.find_first_of(" \t\n", b);
  std::string_view token = s.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b);
  s = e == std::string_view::npos ? std::string_view{} : s.substr(e);
  return token;
}

template <typename T>
std::optional<T> to_number(std::string_view token, int base = 10) {
  T value{};
  if (token.empty()) return std::nullopt;
  const char* begin = token.data();
  const char* end = token.data() + token.size();
  if (base == 16 && token.size() > 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X')) begin += 2;
  auto [ptr, ec] = std::from_chars(begin, end, value, base);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

std::optional<StatFields> parse_stat(std::string_view text) {
  std::size_t open = text.find('(');
  std::size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
  StatFields f;
  f.name = std::string(text.substr(open + 1, close - open - 1));
  std::string_view rest = text.substr(close + 1);
  // Field 3 onwards; index 0 here is field 3 (state).
  std::vector<std::string_view> fields;
  for (std::string_view t = next_token(rest); !t.empty() && fields.size() < 13; t = next_token(rest)) fields.push_back(t);
  if (fields.size() < 13 || fields[0].size() != 1) return std::nullopt;
  f.state = fields[0][0];
  auto ppid = to_number<pid_t>(fields[1]);
  auto flags = to_number<unsigned long>(fields[6]);
  auto utime = to_number<unsigned long long>(fields[11]);
  auto stime = to_number<unsigned long long>(fields[12]);
  if (!ppid || !flags || !utime || !stime) return std::nullopt;
  f.ppid = *ppid;
  f.flags = *flags;
  f.utime = *utime;
  f.stime = *stime;
  return f;
}

StatusFields parse_status(std::string_view text) {
  StatusFields f;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    std::string_view first = next_token(value);
    if (key == "State") {
      if (first.size() == 1) f.state = first[0];
    } else if (key == "Tgid") {
      f.tgid = to_number<pid_t>(first);
    } else if (key == "PPid") {
      f.ppid = to_number<pid_t>(first);
    } else if (key == "TracerPid") {
      f.tracer_pid = to_number<pid_t>(first);
    } else if (key == "Uid") {
      std::array<uid_t, 4> uids{};
      bool ok = true;
      std::string_view token = first;
      for (std::size_t i = 0; i < uids.size(); ++i, token = next_token(value)) {
        auto u = to_number<uid_t>(token);
        if (!u) {
          ok = false;
          break;
        }
        uids[i] = *u;
      }
      if (ok) f.uids = uids;
    } else if (key == "CapPrm") {
      f.cap_permitted = to_number<std::uint64_t>(first, 16);
    } else if (key == "CapEff") {
      f.cap_effective = to_number<std::uint64_t>(first, 16);
    }
  }
  return f;
}

std::optional<SyscallLine> parse_syscall(std::string_view text) {
  SyscallLine s;
  std::string_view first = next_token(text);
  if (first == "running") {
    s.running = true;
    return s;
  }
  auto nr = to_number<long>(first);
  if (!nr) return std::nullopt;
  std::vector<std::uint64_t> values;
  for (std::string_view t = next_token(text); !t.empty(); t = next_token(text)) {
    auto v = to_number<std::uint64_t>(t, 16);
    if (!v) return std::nullopt;
    values.push_back(*v);
  }
  if (*nr == -1) {
    if (values.size() != 2) return std::nullopt;
  } else {
    if (values.size() != 8) return std::nullopt;
    s.number = *nr;
    for (std::size_t i = 0; i < 6; ++i) s.args[i] = values[i];
  }
  s.sp = values[values.size() - 2];
  s.pc = values[values.size() - 1];
  return s;
}

// Hand-rolled: this runs while the target is frozen, over two lines per thread.
std::vector<MapRange> parse_map_ranges(std::string_view text) {
  std::vector<MapRange> ranges;
  const char* p = text.data();
  const char* const end_of_text = p + text.size();
  auto hex_digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  while (p < end_of_text) {
    const char* eol = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end_of_text - p)));
    if (eol == nullptr) eol = end_of_text;
    const std::string_view line(p, static_cast<std::size_t>(eol - p));
    p = eol + 1;

    // "START-END PERMS OFFSET DEV INODE [PATH]": the range, then the path after the fifth field.
    std::uint64_t bounds[2] = {0, 0};
    std::size_t i = 0;
    bool ok = true;
    for (int k = 0; k < 2 && ok; ++k) {
      const std::size_t first = i;
      for (int d; i < line.size() && (d = hex_digit(line[i])) >= 0 && i - first < 16; ++i)
        bounds[k] = bounds[k] << 4 | static_cast<std::uint64_t>(d);
      ok = i > first && i < line.size() && line[i] == (k == 0 ? '-' : ' ');
      ++i;
    }
    if (!ok || bounds[1] < bounds[0]) continue;
    int fields = 1;  // the range; then perms, offset, device, inode
    while (i < line.size() && fields < 5) {
      while (i < line.size() && line[i] != ' ') ++i;
      while (i < line.size() && line[i] == ' ') ++i;
      ++fields;
    }
    if (fields < 5) continue;
    ranges.push_back({bounds[0], bounds[1], line.substr(i) == "[vdso]"});
  }
  std::sort(ranges.begin(), ranges.end(), [](const MapRange& a, const MapRange& b) { return a.start < b.start; });
  return ranges;
}

std::vector<Mapping> parse_maps(std::string_view text) {
  std::vector<Mapping> maps;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);

    std::string_view range = next_token(line);
    std::string_view perms = next_token(line);
    std::string_view offset = next_token(line);
    std::string_view device = next_token(line);
    std::string_view inode = next_token(line);
    std::size_t dash = range.find('-');
    if (dash == std::string_view::npos) continue;
    auto start = to_number<std::uint64_t>(range.substr(0, dash), 16);
    auto end = to_number<std::uint64_t>(range.substr(dash + 1), 16);
    auto off = to_number<std::uint64_t>(offset, 16);
    auto ino = to_number<std::uint64_t>(inode);
    if (!start || !end || !off || !ino || *end < *start || perms.size() != 4) continue;

    Mapping m;
    m.start = *start;
    m.end = *end;
    m.perms = std::string(perms);
    m.offset = *off;
    m.device = std::string(device);
    m.inode = *ino;
    // The path is the rest of the line after the padding; it may contain spaces.
    std::size_t b = line.find_first_not_of(' ');
    std::string_view path = b == std::string_view::npos ? std::string_view{} : line.substr(b);
    constexpr std::string_view deleted = " (deleted)";
    if (path.size() > deleted.size() && path.ends_with(deleted)) {
      path.remove_suffix(deleted.size());
      m.deleted = true;
    }
    m.path = std::string(path);
    maps.push_back(std::move(m));
  }
  return maps;
}

std::vector<std::string> parse_cmdline(std::string_view bytes) {
  // The NUL padding of a rewritten title reads as empty arguments: none are taken from the end.
  while (!bytes.empty() && bytes.back() == '\0') bytes.remove_suffix(1);
  std::vector<std::string> args;
  while (!bytes.empty()) {
    std::size_t nul = bytes.find('\0');
    args.emplace_back(bytes.substr(0, nul));
    if (nul == std::string_view::npos) break;
    bytes = bytes.substr(nul + 1);
  }
  return args;
}

}  // namespace gmr::attach
