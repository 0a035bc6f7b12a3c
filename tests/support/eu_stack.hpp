// Test support: reading eu-stack's output (the oracle for gmr's frames).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gmr::test {

struct OracleFrame {
  std::uint64_t pc = 0;
  std::optional<std::string> function;
};

/// eu-stack's output: "PID n - process" (or "- core"), then per thread "TID n:" and "#k 0xPC [function]"
/// lines. Fails the running test on a frame line before any TID line or out of order.
std::map<pid_t, std::vector<OracleFrame>> parse_eu_stack(const std::string& text);

}  // namespace gmr::test
