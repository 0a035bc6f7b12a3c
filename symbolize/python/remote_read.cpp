#include "symbolize/python/remote_read.hpp"

#include <algorithm>
#include <limits>
#include <string>

namespace gmr::symbolize::python {
namespace {
constexpr std::size_t large_block = 64 << 10;
}  // namespace

Decoded<RemoteBlock> read_block(const attach::MemorySource& memory, std::uint64_t address, std::size_t size,
                                std::string_view what) {
  if (address == 0) return fail(DecodeFailure::null_pointer, "NULL " + std::string(what));
  if (size > max_read_size)
    return fail(DecodeFailure::too_long,
                std::string(what) + " at " + hex(address) + ": " + std::to_string(size) + " bytes is more than a decoder reads");
  if (size > 0 && address > std::numeric_limits<std::uint64_t>::max() - (size - 1))
    return fail(DecodeFailure::unreadable, std::string(what) + " at " + hex(address) + " runs past the address space");
  // A wild length asks for megabytes: see that the last byte exists before allocating them.
  std::byte last[1];
  if (size > large_block && memory.read(address + size - 1, last) != 1)
    return fail(DecodeFailure::unreadable, std::string(what) + " at " + hex(address) + " is not readable (" +
                                               std::to_string(size) + " bytes)");
  RemoteBlock block(address, size);
  const std::size_t got = size == 0 ? 0 : memory.read(address, block.storage());
  if (got < size)
    return fail(DecodeFailure::unreadable, std::string(what) + " at " + hex(address) + " is not readable (" +
                                               std::to_string(got) + " of " + std::to_string(size) + " bytes)");
  return block;
}

Decoded<RemoteBlock> read_prefix(const attach::MemorySource& memory, std::uint64_t address, std::size_t size,
                                 std::size_t needed, std::string_view what) {
  if (address == 0) return fail(DecodeFailure::null_pointer, "NULL " + std::string(what));
  if (size > max_read_size) size = max_read_size;
  if (size > 0 && address > std::numeric_limits<std::uint64_t>::max() - (size - 1))
    size = static_cast<std::size_t>(std::numeric_limits<std::uint64_t>::max() - address) + 1;
  RemoteBlock block(address, size);
  const std::size_t got = size == 0 ? 0 : memory.read(address, block.storage());
  if (got < needed)
    return fail(DecodeFailure::unreadable, std::string(what) + " at " + hex(address) + " is not readable (" +
                                               std::to_string(got) + " of " + std::to_string(needed) + " bytes)");
  block.shrink(got);
  return block;
}

Decoded<std::uint64_t> read_word(const attach::MemorySource& memory, std::uint64_t address, std::string_view what) {
  auto block = read_block(memory, address, sizeof(std::uint64_t), what);
  if (!block) return unexpected(block.error());
  return block->pointer(0);
}

Decoded<std::uint64_t> field_address(std::uint64_t address, std::int64_t offset, std::string_view what) {
  const std::uint64_t result = address + static_cast<std::uint64_t>(offset);
  const bool wrapped = offset >= 0 ? result < address : result > address;
  if (wrapped)
    return fail(DecodeFailure::unreadable, std::string(what) + ": " + hex(address) + " + " + std::to_string(offset) +
                                               " is outside the address space");
  return result;
}

std::size_t block_size(std::initializer_list<Offset> fields) {
  Offset furthest = 0;
  for (Offset f : fields) furthest = std::max(furthest, f);
  return static_cast<std::size_t>(furthest) + 8;
}

}  // namespace gmr::symbolize::python
