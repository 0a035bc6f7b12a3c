// A process's memory mappings (/proc/PID/maps) and the one address look-up every room uses: the range
// that holds an address, by binary search over ranges sorted by start.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <ranges>
#include <string>
#include <vector>

namespace gmr::attach {

/// One line of /proc/PID/maps.
struct Mapping {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::string perms;        // "r-xp"
  std::uint64_t offset = 0; // file offset of `start`
  std::string device;       // "fd:01"
  std::uint64_t inode = 0;
  std::string path;         // "" for anonymous memory; "[stack]", "[vdso]", "[heap]"… for special mappings
  bool deleted = false;     // the kernel appended " (deleted)"; `path` has it stripped

  bool executable() const { return perms.size() > 2 && perms[2] == 'x'; }
  bool writable() const { return perms.size() > 1 && perms[1] == 'w'; }
  bool file_backed() const { return inode != 0 && !path.empty() && path.front() == '/'; }
};

/// In `sorted` (elements with members `start` and `end`, ordered by `start`): the last element starting at
/// or below `address`, if its [start, end) holds `address`; null otherwise. For disjoint ranges, simply the
/// one that holds `address`. O(log n).
template <std::ranges::random_access_range Ranges>
const std::ranges::range_value_t<Ranges>* find_range(const Ranges& sorted, std::uint64_t address) {
  using Range = std::ranges::range_value_t<Ranges>;
  auto it = std::ranges::upper_bound(sorted, address, {}, &Range::start);
  if (it == std::ranges::begin(sorted)) return nullptr;
  --it;
  return address < it->end ? &*it : nullptr;
}

/// The mappings of one process, always sorted by start address (as the kernel lists them).
class Maps {
 public:
  Maps() = default;
  /// Any list of mappings, e.g. parse_maps()'s lines, in any order: sorted here. Converting on purpose:
  /// wherever a list of mappings stands, it becomes sorted Maps.
  Maps(std::vector<Mapping> mappings);

  /// The mapping whose [start, end) holds `address`; null when none does. O(log n).
  const Mapping* find(std::uint64_t address) const { return find_range(mappings_, address); }

  /// Adds `mapping` in its place by start address.
  void insert(Mapping mapping);

  std::vector<Mapping>::const_iterator begin() const { return mappings_.begin(); }
  std::vector<Mapping>::const_iterator end() const { return mappings_.end(); }
  std::size_t size() const { return mappings_.size(); }
  bool empty() const { return mappings_.empty(); }

 private:
  std::vector<Mapping> mappings_;  // by start
};

}  // namespace gmr::attach
