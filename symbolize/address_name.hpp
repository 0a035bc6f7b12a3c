// An address of the target's data (a mutex, a condition variable, a futex word) named as symbolize/ finds
// it: by the data symbol that holds it, else by the mapping it lies in. A value; the renderers word it
// ("app::registry+0x10", "stack of thread 42 0x…", "heap 0x…", "libfoo.so 0x…").
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace gmr::symbolize {

struct AddressName {
  enum class Kind {
    symbol,   // inside the data symbol `symbol`, `offset` bytes from its start
    stack,    // in the stack mapping of frozen thread `tid`
    heap,     // in [heap] or anonymous memory (`mapping` is "[heap]" or absent)
    mapping,  // in the mapping of `mapping` (a file's path, or a special one such as "[vvar]")
    unknown,  // in no mapping of the capture
  };
  Kind kind = Kind::unknown;
  std::optional<std::string> symbol = {};   // symbol: demangled
  std::optional<std::uint64_t> offset = {}; // symbol: address - symbol start
  std::optional<pid_t> tid = {};            // stack
  std::optional<std::string> mapping = {};  // heap, mapping: the path of the mapping as /proc/PID/maps shows it

  bool operator==(const AddressName&) const = default;
};

}  // namespace gmr::symbolize
