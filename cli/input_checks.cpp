#include "cli/input_checks.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "attach/base/unique_fd.hpp"

namespace gmr::cli {
namespace {

std::string quoted(const std::string& path) { return "'" + path + "'"; }

/// Creates a file in `directory` and removes it again; the errno when that fails.
int try_create(const std::string& directory) {
  // An unnamed file first: nothing ever appears in the directory.
  attach::UniqueFd unnamed(::open(directory.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600));
  if (unnamed) return 0;
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) return errno;
  // The file system has no O_TMPFILE: a named file, removed at once.
  std::string name = directory + (directory.ends_with('/') ? "" : "/") + ".gmr-write-test-XXXXXX";
  attach::UniqueFd named(::mkostemp(name.data(), O_CLOEXEC));
  if (!named) return errno;
  ::unlink(name.c_str());
  return 0;
}

}  // namespace

std::optional<std::string> output_dir_problem(const std::string& directory) {
  struct stat st {};
  if (::stat(directory.c_str(), &st) != 0)
    return "--output-dir: cannot use " + quoted(directory) + ": " + std::strerror(errno);
  if (!S_ISDIR(st.st_mode)) return "--output-dir: " + quoted(directory) + " is not a directory";
  if (const int error = try_create(directory); error != 0)
    return "--output-dir: cannot create files in " + quoted(directory) + ": " + std::strerror(error);
  return std::nullopt;
}

std::optional<std::string> sidecar_problem(const std::string& path) {
  // O_PATH: looking at a device or FIFO must not open it (a FIFO would block, a tape rewind).
  attach::UniqueFd where(::open(path.c_str(), O_PATH | O_CLOEXEC));
  if (!where) return "--sidecar: cannot open " + quoted(path) + ": " + std::strerror(errno);
  struct stat st {};
  if (::fstat(where.get(), &st) != 0) return "--sidecar: cannot stat " + quoted(path) + ": " + std::strerror(errno);
  if (!S_ISREG(st.st_mode)) return "--sidecar: " + quoted(path) + " is not a regular file (only regular files are read)";
  attach::UniqueFd readable(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!readable) return "--sidecar: cannot read " + quoted(path) + ": " + std::strerror(errno);
  return std::nullopt;
}

}  // namespace gmr::cli
