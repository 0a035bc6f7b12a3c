#include "support/core_dump.hpp"

#include <doctest/doctest.h>

namespace gmr::test {

RunResult dump_with_core(pid_t pid, const std::string& format, const std::string& core,
                         const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"dump", "--format", format, "--core", core};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(std::to_string(pid));
  RunResult dump = run_gmr(args, 120s);
  INFO("dump stderr: ", dump.err);
  REQUIRE(dump.exit_code == 0);
  return dump;
}

void check_core_report_equals_dump(pid_t pid, const std::string& format, const std::filesystem::path& dir,
                                   const std::vector<std::string>& extra) {
  CAPTURE(format);
  const std::string core = (dir / (format + ".core")).string();
  const RunResult dump = dump_with_core(pid, format, core, extra);
  std::vector<std::string> args = {"report", "--format", format};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(core);
  const RunResult report = run_gmr(args, 120s);
  INFO("report stderr: ", report.err);
  CHECK(report.exit_code == dump.exit_code);
  CHECK(report.err.empty());
  CHECK(report.out == dump.out);
  std::filesystem::remove(core);
}

}  // namespace gmr::test
