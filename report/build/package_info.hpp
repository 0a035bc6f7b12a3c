// Which Debian package installed a file, read from dpkg's database.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace gmr::report {

struct DebianPackage {
  std::string name;                    // as dpkg-query names it ("coreutils", "libc6:amd64")
  std::optional<std::string> version;  // dpkg-query -W ${Version}
};

/// The package owning `path`, as `dpkg-query -S` names it: the package whose file list
/// (/var/lib/dpkg/info/*.list) holds the path, its realpath, or their /usr-merged counterparts
/// (/bin ↔ /usr/bin), then `dpkg-query -W -f='${Version}'` (bounded by `timeout`). nullopt when dpkg is
/// absent or does not know the file. Paths no Debian package may own (Debian Policy §9.1: /usr/local,
/// home directories, /tmp, /var/tmp, and the virtual /proc, /sys, /dev, /run) are not looked up. With
/// `cache_dir`, answers are kept there between dumps (report/build/package_info_cache.hpp).
std::optional<DebianPackage> debian_package(const std::string& path,
                                            std::chrono::milliseconds timeout = std::chrono::milliseconds(5000),
                                            const std::optional<std::string>& cache_dir = std::nullopt);

}  // namespace gmr::report
