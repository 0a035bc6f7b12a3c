// Test support: a target memory made of byte regions placed at chosen addresses, and builders of the
// CPython objects the decoders read, laid out by a PythonLayout. A read returns the part of the one
// region holding the address (regions are not joined), so a region's end is where memory stops.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "attach/memory_source.hpp"
#include "symbolize/python/layout.hpp"

namespace gmr::test::python {

struct Blob {
  std::vector<std::byte> bytes;
  explicit Blob(std::size_t size = 0) : bytes(size) {}
  template <class T>
  Blob& set(std::size_t offset, T value) {
    if (bytes.size() < offset + sizeof(T)) bytes.resize(offset + sizeof(T));
    std::memcpy(bytes.data() + offset, &value, sizeof(T));
    return *this;
  }
  Blob& append_at(std::size_t offset, std::span<const std::byte> data) {
    if (bytes.size() < offset + data.size()) bytes.resize(offset + data.size());
    if (!data.empty()) std::memcpy(bytes.data() + offset, data.data(), data.size());
    return *this;
  }
};

class FakeMemory final : public attach::MemorySource {
 public:
  void put(std::uint64_t address, const Blob& blob) { regions_[address] = blob.bytes; }
  void put(std::uint64_t address, std::vector<std::byte> bytes) { regions_[address] = std::move(bytes); }
  std::size_t read(std::uint64_t address, std::span<std::byte> out) const override {
    auto it = regions_.upper_bound(address);
    if (it == regions_.begin()) return 0;
    --it;
    const std::uint64_t offset = address - it->first;
    if (offset >= it->second.size()) return 0;
    const std::size_t n = std::min<std::size_t>(out.size(), it->second.size() - offset);
    std::memcpy(out.data(), it->second.data() + offset, n);
    return n;
  }

 private:
  std::map<std::uint64_t, std::vector<std::byte>> regions_;
};

// Type objects of the fake interpreter, at fixed addresses.
inline constexpr std::uint64_t fake_str_type = 0x1000;
inline constexpr std::uint64_t fake_bytes_type = 0x2000;
inline constexpr std::uint64_t fake_int_type = 0x3000;
inline constexpr std::uint64_t fake_code_type = 0x4000;
inline constexpr std::uint64_t fake_dict_type = 0x5000;
inline constexpr std::uint64_t fake_module_type = 0x6000;

/// A compact str of code points `text` with the given kind (1, 2, 4) and ASCII flag.
inline Blob str_object(const symbolize::python::PythonLayout& l, const std::vector<std::uint32_t>& text, unsigned kind,
                       bool ascii, std::uint64_t type = fake_str_type) {
  const auto& u = l.unicode;
  Blob b(ascii ? u.ascii_data : u.compact_data);
  b.set<std::uint64_t>(l.object.ob_type, type);
  b.set<std::int64_t>(u.length, static_cast<std::int64_t>(text.size()));
  std::uint32_t state = (kind << u.kind_shift) | (1u << u.compact_bit) | (ascii ? 1u << u.ascii_bit : 0);
  if (u.ready_bit) state |= 1u << *u.ready_bit;
  b.set<std::uint32_t>(u.state, state);
  std::size_t at = ascii ? u.ascii_data : u.compact_data;
  for (auto cp : text) {
    if (kind == 1) b.set<std::uint8_t>(at, static_cast<std::uint8_t>(cp));
    if (kind == 2) b.set<std::uint16_t>(at, static_cast<std::uint16_t>(cp));
    if (kind == 4) b.set<std::uint32_t>(at, cp);
    at += kind;
  }
  b.set<std::uint8_t>(at, 0);  // the terminating NUL CPython keeps
  return b;
}

inline Blob ascii_object(const symbolize::python::PythonLayout& l, const std::string& text) {
  std::vector<std::uint32_t> cps(text.begin(), text.end());
  return str_object(l, cps, 1, true);
}

inline Blob bytes_object(const symbolize::python::PythonLayout& l, std::span<const std::byte> data,
                         std::uint64_t type = fake_bytes_type) {
  Blob b(l.bytes.ob_sval);
  b.set<std::uint64_t>(l.object.ob_type, type);
  b.set<std::int64_t>(l.bytes.ob_size, static_cast<std::int64_t>(data.size()));
  b.append_at(l.bytes.ob_sval, data);
  b.set<std::uint8_t>(l.bytes.ob_sval + data.size(), 0);
  return b;
}

struct CodeFields {
  std::int64_t units = 4;
  std::int32_t firstlineno = 1;
  std::uint64_t name = 0, qualname = 0, filename = 0, linetable = 0;
  std::uint64_t type = fake_code_type;
  std::int32_t stacksize = 0;    // co_stacksize
  std::int32_t nlocalsplus = 0;  // co_nlocalsplus
};

inline Blob code_object(const symbolize::python::PythonLayout& l, const CodeFields& c) {
  Blob b(l.code.code_adaptive + 2 * static_cast<std::size_t>(std::max<std::int64_t>(c.units, 0) & 0xffff));
  b.set<std::uint64_t>(l.object.ob_type, c.type);
  b.set<std::int64_t>(l.code.ob_size, c.units);
  b.set<std::int32_t>(l.code.firstlineno, c.firstlineno);
  b.set<std::uint64_t>(l.code.name, c.name);
  b.set<std::uint64_t>(l.code.qualname, c.qualname);
  b.set<std::uint64_t>(l.code.filename, c.filename);
  b.set<std::uint64_t>(l.code.linetable, c.linetable);
  b.set<std::int32_t>(l.code.stacksize, c.stacksize);
  b.set<std::int32_t>(l.code.nlocalsplus, c.nlocalsplus);
  return b;
}

inline Blob frame_object(const symbolize::python::PythonLayout& l, std::uint64_t code, std::uint64_t previous,
                         std::uint64_t instr, std::uint8_t owner = 0) {
  Blob b(l.frame.size);
  b.set<std::uint64_t>(l.frame.code, code);
  b.set<std::uint64_t>(l.frame.previous, previous);
  b.set<std::uint64_t>(l.frame.instr, instr);
  b.set<std::uint8_t>(l.frame.owner, owner);
  return b;
}

}  // namespace gmr::test::python
