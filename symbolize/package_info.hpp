// Which Debian package installed a file, asked of dpkg's own tool.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace gmr::symbolize {

struct DebianPackage {
  std::string name;                    // as dpkg-query names it ("coreutils", "libc6:amd64")
  std::optional<std::string> version;  // dpkg-query -W ${Version}
};

/// The package owning `path`: `dpkg-query -S` on the path, its realpath, and their /usr-merged
/// counterparts (/bin ↔ /usr/bin), then `dpkg-query -W -f='${Version}'`. nullopt when dpkg is absent or
/// does not know the file. Each dpkg-query run is bounded by `timeout`.
std::optional<DebianPackage> debian_package(const std::string& path,
                                            std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

}  // namespace gmr::symbolize
