#include "symbolize/python/code_object.hpp"

#include "symbolize/python/bytes_object.hpp"
#include "symbolize/python/remote_read.hpp"
#include "symbolize/python/unicode_object.hpp"

namespace gmr::symbolize::python {
namespace {

Unexpected in_code(std::uint64_t address, const char* field, const DecodeError& e) {
  return unexpected(DecodeError{e.failure, "code object " + hex(address) + " " + field + ": " + e.message});
}

}  // namespace

Decoded<CodeObject> read_code_object(const attach::MemorySource& memory, const PythonLayout& layout,
                                     const KnownTypes& known, std::uint64_t address) {
  const auto& c = layout.code;
  // The type first: a small object of another type may end before a code object's fields would.
  const std::size_t size =
      block_size({layout.object.ob_type, c.ob_size, c.firstlineno, c.filename, c.name, c.qualname, c.linetable,
                  c.stacksize, c.nlocalsplus});
  auto block = read_prefix(memory, address, size, layout.object.ob_type + 8, "code object");
  if (!block) return unexpected(block.error());
  if (auto ok = check_exact_type(memory, layout, known, block->pointer(layout.object.ob_type), BuiltinType::code); !ok)
    return in_code(address, "type", ok.error());
  if (block->size() < size) return fail(DecodeFailure::unreadable, "code object at " + hex(address) + " is cut short");

  CodeObject code;
  code.address = address;
  const auto units = block->get<std::int64_t>(c.ob_size);
  if (units <= 0 || static_cast<std::uint64_t>(units) > max_code_units)
    return fail(DecodeFailure::out_of_range, "code object " + hex(address) + " claims " + std::to_string(units) + " code units");
  code.code_units = static_cast<std::uint64_t>(units);
  code.firstlineno = block->get<std::int32_t>(c.firstlineno);
  if (code.firstlineno < 0)
    return fail(DecodeFailure::out_of_range, "code object " + hex(address) + " has first line " + std::to_string(code.firstlineno));
  code.stacksize = block->get<std::int32_t>(c.stacksize);
  code.nlocalsplus = block->get<std::int32_t>(c.nlocalsplus);
  auto start = field_address(address, c.code_adaptive, "co_code_adaptive");
  if (!start) return unexpected(start.error());
  code.code_start = *start;

  auto name = read_str(memory, layout, known, block->pointer(c.name));
  if (!name) return in_code(address, "co_name", name.error());
  code.name = std::move(*name);
  auto qualname = read_str(memory, layout, known, block->pointer(c.qualname));
  if (!qualname) return in_code(address, "co_qualname", qualname.error());
  code.qualname = std::move(*qualname);
  auto filename = read_str(memory, layout, known, block->pointer(c.filename));
  if (!filename) return in_code(address, "co_filename", filename.error());
  code.filename = std::move(*filename);
  auto table = read_bytes_object(memory, layout, known, block->pointer(c.linetable));
  if (!table) return in_code(address, "co_linetable", table.error());
  code.linetable = std::move(*table);
  return code;
}

}  // namespace gmr::symbolize::python
