// Naming an address of the target's data (a mutex, a condition variable, a futex word) for the lock
// analysis: by a data symbol, else by the mapping it is in (a thread's stack, the heap, a file), else
// unknown (symbolize/address_name.hpp).
#pragma once

#include <elfutils/libdwfl.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "attach/snapshot.hpp"
#include "symbolize/address_name.hpp"
#include "symbolize/symbol_table.hpp"

namespace gmr::symbolize {

class AddressNamer {
 public:
  /// `dwfl` may be null (names then come from mappings only); it and `snapshot` must outlive the namer.
  AddressNamer(Dwfl* dwfl, const attach::Snapshot& snapshot);

  AddressName name(std::uint64_t address);

 private:
  struct Module {
    std::uint64_t low = 0;
    Dwfl_Module* module = nullptr;
  };
  struct Stack {
    std::uint64_t start = 0;
    std::uint64_t end = 0;
    pid_t tid = 0;
  };
  std::optional<AddressName> symbol_name(std::uint64_t address);

  const attach::Snapshot& snapshot_;
  std::vector<Module> modules_;  // by low address
  std::vector<Stack> stacks_;    // the mapping holding each frozen thread's SP, by start
  std::unordered_map<Dwfl_Module*, SymbolTable> symbols_;  // data objects, built on first use
};

}  // namespace gmr::symbolize
