#include "symbolize/python/bytes_object.hpp"

#include "symbolize/python/remote_read.hpp"

namespace gmr::symbolize::python {

Decoded<std::vector<std::byte>> read_bytes_object(const attach::MemorySource& memory, const PythonLayout& layout,
                                                  const KnownTypes& known, std::uint64_t address,
                                                  std::size_t max_size) {
  auto header = read_prefix(memory, address, layout.bytes.ob_sval, layout.object.ob_type + 8, "bytes object");
  if (!header) return unexpected(header.error());
  if (auto ok = check_exact_type(memory, layout, known, header->pointer(layout.object.ob_type), BuiltinType::bytes); !ok)
    return unexpected(DecodeError{ok.error().failure, "bytes at " + hex(address) + ": " + ok.error().message});
  if (header->size() < layout.bytes.ob_sval)
    return fail(DecodeFailure::unreadable, "bytes at " + hex(address) + " is cut short");
  const auto size = header->get<std::int64_t>(layout.bytes.ob_size);
  if (size < 0) return fail(DecodeFailure::corrupt, "bytes at " + hex(address) + " has a negative size");
  if (static_cast<std::uint64_t>(size) > max_size)
    return fail(DecodeFailure::too_long, "bytes at " + hex(address) + " holds " + std::to_string(size) +
                                             " bytes, more than " + std::to_string(max_size));
  auto data_address = field_address(address, layout.bytes.ob_sval, "bytes data");
  if (!data_address) return unexpected(data_address.error());
  if (size == 0) return std::vector<std::byte>{};
  auto data = read_block(memory, *data_address, static_cast<std::size_t>(size), "bytes data");
  if (!data) return unexpected(data.error());
  return std::vector<std::byte>(data->bytes().begin(), data->bytes().end());
}

}  // namespace gmr::symbolize::python
