#include "report/render/program_name.hpp"

#include <string_view>

namespace gmr::report {
namespace {

// TASK_COMM_LEN - 1: the longest process name the kernel keeps.
constexpr std::size_t comm_max = 15;

/// The base name of an argument's first word: "/usr/sbin/nginx" → "nginx", "nginx: worker" → "nginx",
/// "/usr/bin/redis-server *:6379" → "redis-server".
std::string_view command_base(std::string_view argument) {
  argument = argument.substr(0, argument.find_first_of(" :"));
  const std::size_t slash = argument.rfind('/');
  return slash == std::string_view::npos ? argument : argument.substr(slash + 1);
}

}  // namespace

std::string program_name(const Report& report) {
  const auto& argv = report.capture.cmdline;
  if (report.capture.name && !report.capture.name->empty()) {
    const std::string& comm = *report.capture.name;
    if (comm.size() == comm_max)
      for (std::size_t i = 0; i < argv.size() && i < 2; ++i) {
        const std::string_view base = command_base(argv[i]);
        if (base.size() > comm.size() && base.starts_with(comm)) return std::string{base};
      }
    return comm;
  }
  if (!argv.empty())
    if (const std::string_view base = command_base(argv[0]); !base.empty()) return std::string{base};
  if (report.package.executable) {
    const std::string& path = *report.package.executable;
    return path.substr(path.rfind('/') + 1);
  }
  return {};
}

}  // namespace gmr::report
