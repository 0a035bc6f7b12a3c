#include "symbolize/python/long_object.hpp"

#include "symbolize/python/remote_read.hpp"

namespace gmr::symbolize::python {
namespace {
constexpr unsigned digit_bits = 30;  // PYLONG_BITS_IN_DIGIT on every 64-bit build
constexpr std::uint64_t max_digits = 3;  // 3 x 30 bits cover 64
}  // namespace

Decoded<LongValue> read_int(const attach::MemorySource& memory, const PythonLayout& layout, const KnownTypes& known,
                            std::uint64_t address) {
  const auto& l = layout.long_;
  auto block = read_prefix(memory, address, l.digits + 4 * max_digits, l.digits, "int object");
  if (!block) return unexpected(block.error());
  if (auto ok = check_exact_type(memory, layout, known, block->pointer(layout.object.ob_type), BuiltinType::int_); !ok)
    return unexpected(DecodeError{ok.error().failure, "int at " + hex(address) + ": " + ok.error().message});

  LongValue value;
  std::uint64_t ndigits = 0;
  const auto word = block->get<std::int64_t>(l.size_or_tag);
  if (l.tagged) {
    const auto tag = static_cast<std::uint64_t>(word);
    const unsigned sign = tag & 3;  // 0 positive, 1 zero, 2 negative
    if (sign == 3) return fail(DecodeFailure::corrupt, "int at " + hex(address) + " has an impossible sign");
    if (sign == 1) return value;
    value.negative = sign == 2;
    ndigits = tag >> 3;
  } else {
    value.negative = word < 0;
    ndigits = word < 0 ? 0 - static_cast<std::uint64_t>(word) : static_cast<std::uint64_t>(word);
  }
  if (ndigits > max_digits)
    return fail(DecodeFailure::too_long, "int at " + hex(address) + " has " + std::to_string(ndigits) + " digits");
  if (block->size() < l.digits + 4 * ndigits)
    return fail(DecodeFailure::unreadable, "the digits of int at " + hex(address) + " are not readable");
  unsigned __int128 magnitude = 0;
  for (std::uint64_t i = ndigits; i-- > 0;) {
    const auto digit = block->get<std::uint32_t>(l.digits + 4 * i);
    if (digit >> digit_bits) return fail(DecodeFailure::corrupt, "int at " + hex(address) + " has a digit above 2**30");
    magnitude = (magnitude << digit_bits) | digit;
  }
  if (magnitude >> 64) return fail(DecodeFailure::too_long, "int at " + hex(address) + " needs more than 64 bits");
  value.magnitude = static_cast<std::uint64_t>(magnitude);
  return value;
}

}  // namespace gmr::symbolize::python
