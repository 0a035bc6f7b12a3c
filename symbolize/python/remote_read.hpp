// Bounded reads of the target's memory for the Python decoders: a whole struct at once (one read per
// object, which matters when the source is the live process), then its fields by offset.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "attach/memory_source.hpp"
#include "symbolize/python/decode_error.hpp"
#include "symbolize/python/layout.hpp"

namespace gmr::symbolize::python {

/// The largest single read a decoder makes; anything asking for more is refused as too_long.
inline constexpr std::size_t max_read_size = std::size_t{16} << 20;

/// `size` bytes of the target starting at `address`, all of them. Blocks up to inline_capacity bytes (every
/// struct the decoders read) live inside the object: no allocation per read.
class RemoteBlock {
 public:
  static constexpr std::size_t inline_capacity = 256;

  /// Storage for `size` bytes at `address`, to be filled through storage().
  RemoteBlock(std::uint64_t address, std::size_t size)
      : address_(address), size_(size), heap_(size > inline_capacity ? size : 0) {}

  std::uint64_t address() const { return address_; }
  std::size_t size() const { return size_; }
  std::span<const std::byte> bytes() const { return {data(), size_}; }
  std::span<std::byte> storage() { return {heap_.empty() ? inline_.data() : heap_.data(), size_}; }
  /// Keeps the first `size` bytes only (size() or less).
  void shrink(std::size_t size) { size_ = std::min(size, size_); }

  /// The T at byte `offset`. The block was read to cover every field asked for; an offset past its end
  /// is a bug in the caller, and gives 0 rather than reading past the buffer.
  template <class T>
  T get(std::size_t offset) const {
    T value{};
    if (offset <= size_ && sizeof(T) <= size_ - offset) std::memcpy(&value, data() + offset, sizeof(T));
    return value;
  }
  std::uint64_t pointer(std::size_t offset) const { return get<std::uint64_t>(offset); }

 private:
  const std::byte* data() const { return heap_.empty() ? inline_.data() : heap_.data(); }

  std::uint64_t address_;
  std::size_t size_;
  std::array<std::byte, inline_capacity> inline_;  // not zero-filled: only what was read is used
  std::vector<std::byte> heap_;                    // larger blocks
};

/// Exactly `size` bytes at `address`: null_pointer for address 0, unreadable when the source has fewer,
/// too_long above max_read_size. `what` names the object in the message ("code object").
Decoded<RemoteBlock> read_block(const attach::MemorySource& memory, std::uint64_t address, std::size_t size,
                                std::string_view what);

/// Up to `size` bytes at `address`: whatever prefix is readable, when it holds at least `needed` bytes.
/// For objects whose true size is known only after their header is read (a short string read together
/// with its header, so that it costs one read, even when the object ends just before an unmapped page).
Decoded<RemoteBlock> read_prefix(const attach::MemorySource& memory, std::uint64_t address, std::size_t size,
                                 std::size_t needed, std::string_view what);

/// One pointer-sized word at `address`.
Decoded<std::uint64_t> read_word(const attach::MemorySource& memory, std::uint64_t address, std::string_view what);

/// `address + offset`, or unreadable when that wraps around (a wild pointer near the top of the space).
Decoded<std::uint64_t> field_address(std::uint64_t address, std::int64_t offset, std::string_view what);

/// The end of the furthest of `fields` (each an offset of an 8-byte or smaller field): the size of the
/// block that covers them all.
std::size_t block_size(std::initializer_list<Offset> fields);

}  // namespace gmr::symbolize::python
