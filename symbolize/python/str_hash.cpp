#include "symbolize/python/str_hash.hpp"

#include <bit>
#include <cstring>

namespace gmr::symbolize::python {
namespace {

struct SipState {
  std::uint64_t v0, v1, v2, v3;

  void round() {
    v0 += v1;
    v1 = std::rotl(v1, 13) ^ v0;
    v0 = std::rotl(v0, 32);
    v2 += v3;
    v3 = std::rotl(v3, 16) ^ v2;
    v0 += v3;
    v3 = std::rotl(v3, 21) ^ v0;
    v2 += v1;
    v1 = std::rotl(v1, 17) ^ v2;
    v2 = std::rotl(v2, 32);
  }
  void compress(std::uint64_t m) {
    v3 ^= m;
    round();
    v0 ^= m;
  }
};

}  // namespace

std::uint64_t siphash13(std::uint64_t k0, std::uint64_t k1, std::string_view data) {
  // The initial state: the key xor "somepseudorandomlygeneratedbytes".
  SipState s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
             k1 ^ 0x7465646279746573ULL};
  std::size_t at = 0;
  for (; data.size() - at >= 8; at += 8) {
    std::uint64_t m;
    std::memcpy(&m, data.data() + at, 8);  // little-endian words (x86-64)
    s.compress(m);
  }
  std::uint64_t last = static_cast<std::uint64_t>(data.size() & 0xff) << 56;
  for (std::size_t i = 0; at + i < data.size(); ++i)
    last |= static_cast<std::uint64_t>(static_cast<unsigned char>(data[at + i])) << (8 * i);
  s.compress(last);
  s.v2 ^= 0xff;
  s.round();
  s.round();
  s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

std::int64_t StrHasher::hash(std::string_view ascii) const {
  // _Py_HashBytes: the empty string hashes to 0, and -1 (an error in the C API) becomes -2.
  if (ascii.empty()) return 0;
  const auto h = static_cast<std::int64_t>(siphash13(k0, k1, ascii));
  return h == -1 ? -2 : h;
}

}  // namespace gmr::symbolize::python
