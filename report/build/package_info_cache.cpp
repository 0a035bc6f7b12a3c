#include "report/build/package_info_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>
#include <vector>

#include "attach/base/read_file.hpp"

namespace gmr::report {
namespace {

constexpr const char* header = "gmr package cache 1";
constexpr std::size_t max_entries = 256;

std::optional<std::string> describe(const char* path) {
  struct stat st {};
  if (::stat(path, &st) != 0) return std::nullopt;
  return std::string(path) + ' ' + std::to_string(st.st_size) + ' ' + std::to_string(st.st_mtim.tv_sec) + '.' +
         std::to_string(st.st_mtim.tv_nsec) + ' ' + std::to_string(st.st_ino);
}

std::optional<std::string> dpkg_state() {
  auto info = describe("/var/lib/dpkg/info");
  auto status = describe("/var/lib/dpkg/status");
  if (!info || !status) return std::nullopt;
  return *info + "; " + *status;
}

bool plain(const std::string& text) { return text.find_first_of("\t\n") == std::string::npos; }

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t from = 0;
  for (std::size_t tab; (tab = line.find('\t', from)) != std::string::npos; from = tab + 1)
    fields.push_back(line.substr(from, tab - from));
  fields.push_back(line.substr(from));
  return fields;
}

// An entry line: "P\tKEY\tNAME\tVERSION" (VERSION may be empty: dpkg-query gave none) or "N\tKEY".
bool well_formed(const std::vector<std::string>& fields) {
  return (fields.size() == 4 && fields[0] == "P" && !fields[2].empty()) || (fields.size() == 2 && fields[0] == "N");
}

bool make_directories(const std::string& path) {
  for (std::size_t at = 1; at <= path.size(); ++at) {
    if (at != path.size() && path[at] != '/') continue;
    if (::mkdir(path.substr(0, at).c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  return true;
}

}  // namespace

PackageInfoCache::PackageInfoCache(std::string cache_dir) : file_(cache_dir + "/packages-v1"), dpkg_state_(dpkg_state()) {
  if (!dpkg_state_) return;
  auto content = attach::read_file(file_);
  if (!content || content->size() > (std::size_t{1} << 20)) return;
  std::istringstream in(*content);
  std::string line;
  if (!std::getline(in, line) || line != header || !std::getline(in, line) || line != *dpkg_state_) return;
  std::string entries;
  while (std::getline(in, line)) {
    if (line == "end") {
      if (in.peek() == std::char_traits<char>::eof()) kept_ = std::move(entries);
      return;
    }
    if (!well_formed(split(line))) return;
    entries += line + '\n';
  }
}

std::optional<std::optional<DebianPackage>> PackageInfoCache::find(const std::string& key) const {
  std::istringstream in(kept_);
  for (std::string line; std::getline(in, line);) {
    const auto fields = split(line);
    if (fields[1] != key) continue;
    if (fields[0] == "N") return std::optional<DebianPackage>{};
    DebianPackage package{fields[2], std::nullopt};
    if (!fields[3].empty()) package.version = fields[3];
    return std::optional<DebianPackage>{package};
  }
  return std::nullopt;
}

void PackageInfoCache::store(const std::string& key, const std::optional<DebianPackage>& answer) {
  if (!dpkg_state_ || !plain(key) || (answer && (!plain(answer->name) || !plain(answer->version.value_or("")))))
    return;
  std::string line = answer ? "P\t" + key + "\t" + answer->name + "\t" + answer->version.value_or("") : "N\t" + key;
  std::size_t lines = 0;
  for (char c : kept_) lines += c == '\n' ? 1 : 0;
  if (lines >= max_entries) kept_.clear();
  kept_ += line + '\n';

  const std::string directory = file_.substr(0, file_.rfind('/'));
  if (!make_directories(directory)) return;
  const std::string content = std::string(header) + '\n' + *dpkg_state_ + '\n' + kept_ + "end\n";
  std::string temporary = file_ + ".tmp.XXXXXX";
  const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
  if (fd < 0) return;
  bool ok = true;
  for (std::size_t done = 0; ok && done < content.size();) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(temporary.c_str(), file_.c_str()) != 0) ::unlink(temporary.c_str());
}

}  // namespace gmr::report
