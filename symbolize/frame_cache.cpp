#include "symbolize/frame_cache.hpp"

#include <dirent.h>
#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "attach/base/read_file.hpp"
#include "symbolize/build_id.hpp"

namespace gmr::symbolize {
namespace {

constexpr const char* subdirectory = "/frames-v1";
constexpr const char* temporary_marker = ".tmp.";
// A temporary file this old was left by a gmr that died while writing it.
constexpr std::time_t stale_temporary_seconds = 600;

// "path size mtime inode;" when `path` exists; "" when it does not.
std::string describe_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return path + ' ' + std::to_string(st.st_size) + ' ' + std::to_string(st.st_mtim.tv_sec) + '.' +
         std::to_string(st.st_mtim.tv_nsec) + ' ' + std::to_string(st.st_ino) + ';';
}

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

// The places libdwfl's standard search (the default debuginfo path ":.debug:/usr/lib/debug") looks for the
// debug file of `module`: by build id, then by the .gnu_debuglink name next to the file, in .debug/ there,
// and under /usr/lib/debug. Whatever of them exists, with its size, time and inode.
std::string debug_files(Dwfl_Module* module, const std::string& build_id) {
  std::string found = describe_file("/usr/lib/debug/.build-id/" + build_id.substr(0, 2) + "/" + build_id.substr(2) + ".debug");
  GElf_Addr bias = 0;
  Elf* elf = dwfl_module_getelf(module, &bias);
  const char* main_file = nullptr;
  dwfl_module_info(module, nullptr, nullptr, nullptr, nullptr, nullptr, &main_file, nullptr);
  GElf_Word crc = 0;
  const char* link = elf != nullptr ? dwelf_elf_gnu_debuglink(elf, &crc) : nullptr;
  if (link != nullptr && main_file != nullptr && std::string_view(link).find('/') == std::string_view::npos) {
    const std::string dir = directory_of(main_file);
    found += "link " + std::string(link) + ' ' + std::to_string(crc) + ';';
    for (const std::string& candidate : {dir + "/" + link, dir + "/.debug/" + link, "/usr/lib/debug" + dir + "/" + link})
      found += describe_file(candidate);
  }
  return found;
}

// The version, and the executable itself (size, time, inode): a rebuilt gmr may resolve differently even
// before its version changes, so its files are not trusted by another build.
const std::string& this_gmr() {
  static const std::string self = std::string(GMR_VERSION) + ' ' + describe_file("/proc/self/exe");
  return self;
}

bool is_hex(const std::string& text) {
  return !text.empty() && std::ranges::all_of(text, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// mkdir -p with mode 0700 for what it creates (the cache says which libraries and sources a user looked at).
bool make_directories(const std::string& path) {
  for (std::size_t at = 1; at <= path.size(); ++at) {
    if (at != path.size() && path[at] != '/') continue;
    const std::string prefix = path.substr(0, at);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::optional<std::string> FrameCache::default_directory() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/gmr";
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') return std::string(home) + "/.cache/gmr";
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwuid_r(::geteuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
      found->pw_dir != nullptr && found->pw_dir[0] == '/')
    return std::string(found->pw_dir) + "/.cache/gmr";
  return std::nullopt;
}

std::optional<CacheFileIdentity> FrameCache::identity_of(Dwfl_Module* module) const {
  auto build_id = build_id_hex(module);
  if (!build_id || !is_hex(*build_id) || build_id->size() < 4) return std::nullopt;
  CacheFileIdentity identity;
  identity.gmr_version = this_gmr();
  identity.debug_files = debug_files(module, *build_id);
  identity.build_id = std::move(*build_id);
  return identity;
}

std::string FrameCache::file_path(const std::string& build_id) const { return directory_ + subdirectory + "/" + build_id; }

FrameCache::Module& FrameCache::module(const CacheFileIdentity& identity) {
  auto it = modules_.find(identity.build_id);
  if (it != modules_.end()) return it->second;
  Module loaded;
  loaded.contents.identity = identity;
  const std::string path = file_path(identity.build_id);
  if (auto bytes = attach::read_file(path); bytes && bytes->size() <= max_bytes_) {
    if (auto contents = decode_cache_file(*bytes, identity)) {
      loaded.contents = std::move(*contents);
      ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // used: the last to be trimmed (fails harmlessly when read-only)
    } else {
      loaded.dirty = true;  // corrupt, truncated or another module's: rewritten with what this run resolves
    }
  }
  return modules_.emplace(identity.build_id, std::move(loaded)).first->second;
}

const CachedPc* FrameCache::find(const CacheFileIdentity& identity, const CachedPcKey& key) {
  Module& m = module(identity);
  auto it = m.contents.pcs.find(key);
  if (it == m.contents.pcs.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  return &it->second;
}

void FrameCache::add(const CacheFileIdentity& identity, const CachedPcKey& key, CachedPc pc) {
  Module& m = module(identity);
  if (m.contents.pcs.insert_or_assign(key, std::move(pc)).second) m.dirty = true;
}

std::size_t FrameCache::save() {
  std::size_t written = 0;
  for (auto& [build_id, m] : modules_) {
    if (!m.dirty || m.contents.pcs.empty()) continue;
    if (write(build_id, m.contents)) {
      ++written;
      m.dirty = false;
    }
  }
  if (written > 0) trim();
  return written;
}

bool FrameCache::write(const std::string& build_id, const CacheFileContents& contents) const {
  const std::string bytes = encode_cache_file(contents);
  if (bytes.size() > max_bytes_ || !make_directories(directory_ + subdirectory)) return false;
  const std::string path = file_path(build_id);
  std::string temporary = path + temporary_marker + "XXXXXX";
  const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
  if (fd < 0) return false;
  const bool written = write_all(fd, bytes);
  const bool closed = ::close(fd) == 0;
  if (!written || !closed || ::rename(temporary.c_str(), path.c_str()) != 0) {
    ::unlink(temporary.c_str());
    return false;
  }
  return true;
}

void FrameCache::trim() const {
  const std::string dir = directory_ + subdirectory;
  DIR* stream = ::opendir(dir.c_str());
  if (stream == nullptr) return;
  struct Entry {
    std::string path;
    std::size_t size;
    std::timespec used;
  };
  std::vector<Entry> entries;
  std::size_t total = 0;
  const std::time_t now = std::time(nullptr);
  while (const dirent* d = ::readdir(stream)) {
    const std::string name = d->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    const std::string path = dir + "/" + name;
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (name.find(temporary_marker) != std::string::npos && now - st.st_mtim.tv_sec > stale_temporary_seconds) {
      ::unlink(path.c_str());
      continue;
    }
    entries.push_back({path, static_cast<std::size_t>(st.st_size), st.st_mtim});
    total += static_cast<std::size_t>(st.st_size);
  }
  ::closedir(stream);
  std::ranges::sort(entries, [](const Entry& a, const Entry& b) {
    return a.used.tv_sec != b.used.tv_sec ? a.used.tv_sec < b.used.tv_sec : a.used.tv_nsec < b.used.tv_nsec;
  });
  for (const Entry& e : entries) {
    if (total <= max_bytes_) break;
    if (::unlink(e.path.c_str()) == 0) total -= e.size;
  }
}

}  // namespace gmr::symbolize
