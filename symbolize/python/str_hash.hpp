// CPython's hash of a str, as the target computes it, so that a dict lookup can probe the target's hash
// table instead of reading every key: 3.11-3.13 hash a compact str's bytes with SipHash-1-3 keyed by the
// process's `_Py_HashSecret` (sys.hash_info: algorithm 'siphash13', cutoff 0, the default build). A build
// with another algorithm gives other hashes; a lookup that misses through the hash then falls back to
// reading the keys, so a wrong hash costs time, never a wrong answer.
#pragma once

#include <cstdint>
#include <string_view>

namespace gmr::symbolize::python {

/// SipHash-1-3 (one compression round, three finalization rounds) of `data` with the key (k0, k1).
std::uint64_t siphash13(std::uint64_t k0, std::uint64_t k1, std::string_view data);

/// The first 16 bytes of the target's `_Py_HashSecret`: the SipHash key.
struct StrHasher {
  std::uint64_t k0 = 0;
  std::uint64_t k1 = 0;
  /// hash() of an ASCII str (a 1-byte-kind compact string: its bytes are its characters).
  std::int64_t hash(std::string_view ascii) const;
};

}  // namespace gmr::symbolize::python
