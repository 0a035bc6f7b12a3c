// The decoders on hand-built memory, in every layout: well-formed objects decode exactly; truncated
// memory, NULL and wild pointers, absurd lengths, wrong types and cycles give the bounded error they
// name, and never a crash or an endless walk.
#include <doctest/doctest.h>

#include <limits>
#include <string>
#include <vector>

#include "symbolize/python/bytes_object.hpp"
#include "symbolize/python/code_object.hpp"
#include "symbolize/python/dict_object.hpp"
#include "symbolize/python/fake_memory.hpp"
#include "symbolize/python/frame_chain.hpp"
#include "symbolize/python/interpreter_frame.hpp"
#include "symbolize/python/long_object.hpp"
#include "symbolize/python/object_types.hpp"
#include "symbolize/python/static_layouts.hpp"
#include "symbolize/python/thread_states.hpp"
#include "symbolize/python/unicode_object.hpp"

namespace py = gmr::symbolize::python;
namespace pt = gmr::test::python;

namespace {

const py::KnownTypes known{pt::fake_code_type, pt::fake_str_type, pt::fake_bytes_type, pt::fake_int_type,
                           pt::fake_dict_type,  pt::fake_module_type, std::nullopt};

std::vector<py::PythonLayout> layouts() { return {py::layout_3_11(), py::layout_3_12(), py::layout_3_13()}; }

template <class T>
py::DecodeFailure failure_of(const py::Decoded<T>& result) {
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().message.find('\n') == std::string::npos);
  CHECK_FALSE(result.error().message.empty());
  return result.error().failure;
}

std::vector<std::byte> bytes_of(std::string_view s) {
  std::vector<std::byte> out(s.size());
  std::memcpy(out.data(), s.data(), s.size());
  return out;
}

constexpr std::uint64_t at = 0x10000;  // where the object under test is placed

}  // namespace

TEST_SUITE("symbolize::python::decoders") {
  TEST_CASE("str: ASCII, latin-1, BMP and astral strings become UTF-8, lone surrogates U+FFFD") {
    for (const auto& l : layouts()) {
      CAPTURE(py::version_string(l.version));
      struct Case {
        std::vector<std::uint32_t> text;
        unsigned kind;
        bool ascii;
        std::string utf8;
      } cases[] = {
          {{'h', 'i'}, 1, true, "hi"},
          {{}, 1, true, ""},
          {{'c', 'a', 'f', 0xe9, ' ', 0xff}, 1, false, "caf\xc3\xa9 \xc3\xbf"},
          {{0x7ebf, 0x7a0b, ' ', 0x3a9}, 2, false, "\xe7\xba\xbf\xe7\xa8\x8b \xce\xa9"},
          {{0x1f9f5, ' ', 0x1d11e, 'x'}, 4, false, "\xf0\x9f\xa7\xb5 \xf0\x9d\x84\x9e" "x"},
          {{'a', 0xdc80, 'b'}, 2, false, "a\xef\xbf\xbd" "b"},
          {{0xd800}, 4, false, "\xef\xbf\xbd"},
      };
      for (const auto& c : cases) {
        pt::FakeMemory memory;
        memory.put(at, pt::str_object(l, c.text, c.kind, c.ascii));
        const auto got = py::read_str(memory, l, known, at);
        REQUIRE_MESSAGE(got.has_value(), (got ? "" : got.error().message));
        CHECK(*got == c.utf8);
      }
      // A string longer than the speculative first read is fetched in a second read.
      std::vector<std::uint32_t> long_text(3000, 'z');
      pt::FakeMemory memory;
      memory.put(at, pt::str_object(l, long_text, 1, true));
      CHECK(py::read_str(memory, l, known, at)->size() == 3000);
      // Without the exported type's address, tp_name "str" identifies it.
      memory.put(pt::fake_str_type, pt::Blob().set<std::uint64_t>(l.type.tp_name, 0x90000));
      memory.put(0x90000, bytes_of(std::string("str") + '\0'));
      CHECK(py::read_str(memory, l, py::KnownTypes{}, at)->size() == 3000);
    }
  }

  TEST_CASE("str: absurd lengths, impossible flags, wrong types and cut memory are bounded errors") {
    for (const auto& l : layouts()) {
      CAPTURE(py::version_string(l.version));
      auto decode = [&](const pt::Blob& blob) {
        pt::FakeMemory memory;
        memory.put(at, blob);
        return py::read_str(memory, l, known, at);
      };
      const auto good = pt::ascii_object(l, "name");
      CHECK(decode(good).has_value());
      CHECK(failure_of(decode(pt::Blob(good).set<std::int64_t>(l.unicode.length, std::int64_t{1} << 40))) == py::DecodeFailure::too_long);
      CHECK(failure_of(decode(pt::Blob(good).set<std::int64_t>(l.unicode.length, -3))) == py::DecodeFailure::corrupt);
      CHECK(failure_of(decode(pt::Blob(good).set<std::uint64_t>(l.object.ob_type, pt::fake_bytes_type))) == py::DecodeFailure::wrong_type);
      CHECK(failure_of(decode(pt::str_object(l, {'a'}, 3, false))) == py::DecodeFailure::out_of_range);
      CHECK(failure_of(decode(pt::str_object(l, {'a'}, 2, true))) == py::DecodeFailure::corrupt);      // ASCII of kind 2
      CHECK(failure_of(decode(pt::str_object(l, {0xe9}, 1, true))) == py::DecodeFailure::corrupt);     // non-ASCII flagged ASCII
      CHECK(failure_of(decode(pt::str_object(l, {0x110000}, 4, false))) == py::DecodeFailure::corrupt);
      auto legacy = pt::Blob(good);
      legacy.set<std::uint32_t>(l.unicode.state, (1u << l.unicode.kind_shift) | (1u << l.unicode.ascii_bit) |
                                                     (l.unicode.ready_bit ? 1u << *l.unicode.ready_bit : 0));
      CHECK(failure_of(decode(legacy)) == py::DecodeFailure::unsupported);
      if (l.unicode.ready_bit) {
        auto not_ready = pt::Blob(good);
        not_ready.set<std::uint32_t>(l.unicode.state, (1u << l.unicode.kind_shift) | (1u << l.unicode.compact_bit));
        CHECK(failure_of(decode(not_ready)) == py::DecodeFailure::unsupported);
      }
      // The string claims more characters than memory holds; the header itself cut short.
      auto cut = pt::Blob(good).set<std::int64_t>(l.unicode.length, 4000);
      CHECK(failure_of(decode(cut)) == py::DecodeFailure::unreadable);
      auto header = pt::Blob(good);
      header.bytes.resize(20);
      CHECK(failure_of(decode(header)) == py::DecodeFailure::unreadable);
      const pt::FakeMemory empty;
      CHECK(failure_of(py::read_str(empty, l, known, 0)) == py::DecodeFailure::null_pointer);
      CHECK(failure_of(py::read_str(empty, l, known, at)) == py::DecodeFailure::unreadable);
      CHECK(failure_of(py::read_str(empty, l, known, std::numeric_limits<std::uint64_t>::max() - 3)) == py::DecodeFailure::unreadable);
    }
  }

  TEST_CASE("bytes and int objects: exact values, and bounded errors for absurd sizes, signs and digits") {
    for (const auto& l : layouts()) {
      CAPTURE(py::version_string(l.version));
      pt::FakeMemory memory;
      const auto data = bytes_of(std::string("\x00\x01\xff table", 9));
      memory.put(at, pt::bytes_object(l, data));
      CHECK(*py::read_bytes_object(memory, l, known, at) == data);
      memory.put(at, pt::Blob(pt::bytes_object(l, data)).set<std::int64_t>(l.bytes.ob_size, std::int64_t{1} << 50));
      CHECK(failure_of(py::read_bytes_object(memory, l, known, at)) == py::DecodeFailure::too_long);
      memory.put(at, pt::Blob(pt::bytes_object(l, data)).set<std::int64_t>(l.bytes.ob_size, -1));
      CHECK(failure_of(py::read_bytes_object(memory, l, known, at)) == py::DecodeFailure::corrupt);
      memory.put(at, pt::bytes_object(l, data, pt::fake_str_type));
      CHECK(failure_of(py::read_bytes_object(memory, l, known, at)) == py::DecodeFailure::wrong_type);

      auto int_object = [&](bool negative, std::vector<std::uint32_t> digits, std::int64_t tag_override = -1) {
        pt::Blob b(l.long_.digits + 4 * std::max<std::size_t>(digits.size(), 1));
        b.set<std::uint64_t>(l.object.ob_type, pt::fake_int_type);
        const auto n = static_cast<std::int64_t>(digits.size());
        std::int64_t word = l.long_.tagged ? (n << 3) | (n == 0 ? 1 : negative ? 2 : 0) : (negative ? -n : n);
        if (tag_override >= 0) word = tag_override;
        b.set<std::int64_t>(l.long_.size_or_tag, word);
        for (std::size_t i = 0; i < digits.size(); ++i) b.set<std::uint32_t>(l.long_.digits + 4 * i, digits[i]);
        memory.put(at, b);
        return py::read_int(memory, l, known, at);
      };
      CHECK(*int_object(false, {}) == py::LongValue{false, 0});
      CHECK(*int_object(true, {5}) == py::LongValue{true, 5});
      CHECK(*int_object(false, {1, 2}) == py::LongValue{false, 1 + (std::uint64_t{2} << 30)});
      CHECK(*int_object(false, {0x3fffffff, 0x3fffffff, 0xf}) == py::LongValue{false, ~std::uint64_t{0}});
      CHECK(failure_of(int_object(false, {0, 0, 0x10})) == py::DecodeFailure::too_long);
      CHECK(failure_of(int_object(false, {1, 1, 1, 1})) == py::DecodeFailure::too_long);
      CHECK(failure_of(int_object(false, {0x40000000})) == py::DecodeFailure::corrupt);
      if (l.long_.tagged) CHECK(failure_of(int_object(false, {1}, (1 << 3) | 3)) == py::DecodeFailure::corrupt);
    }
  }

  TEST_CASE("code objects: fields decoded, wrong type, impossible sizes and wild name pointers refused") {
    for (const auto& l : layouts()) {
      CAPTURE(py::version_string(l.version));
      pt::FakeMemory memory;
      memory.put(0x20000, pt::ascii_object(l, "run"));
      memory.put(0x21000, pt::ascii_object(l, "Worker.run"));
      memory.put(0x22000, pt::ascii_object(l, "/srv/app.py"));
      const auto table = std::vector<std::byte>{std::byte{0x80 | (13 << 3) | 3}, std::byte{4}};  // 4 units, line +2
      memory.put(0x23000, pt::bytes_object(l, table));
      pt::CodeFields fields{4, 40, 0x20000, 0x21000, 0x22000, 0x23000};
      memory.put(at, pt::code_object(l, fields));
      const auto code = py::read_code_object(memory, l, known, at);
      REQUIRE_MESSAGE(code.has_value(), (code ? "" : code.error().message));
      CHECK(code->name == "run");
      CHECK(code->qualname == "Worker.run");
      CHECK(code->filename == "/srv/app.py");
      CHECK(code->firstlineno == 40);
      CHECK(code->code_units == 4);
      CHECK(code->code_start == at + l.code.code_adaptive);
      CHECK(code->linetable == table);

      auto refused = [&](pt::CodeFields f) {
        memory.put(at, pt::code_object(l, f));
        return failure_of(py::read_code_object(memory, l, known, at));
      };
      auto f = fields;
      f.type = pt::fake_str_type;
      CHECK(refused(f) == py::DecodeFailure::wrong_type);
      f = fields;
      f.units = 0;
      CHECK(refused(f) == py::DecodeFailure::out_of_range);
      f.units = std::int64_t{1} << 40;
      CHECK(refused(f) == py::DecodeFailure::out_of_range);
      f = fields;
      f.firstlineno = -7;
      CHECK(refused(f) == py::DecodeFailure::out_of_range);
      f = fields;
      f.qualname = 0xdead0000;
      CHECK(refused(f) == py::DecodeFailure::unreadable);
      memory.put(at, pt::code_object(l, f));
      CHECK(py::read_code_object(memory, l, known, at).error().message.find("co_qualname") != std::string::npos);
      f = fields;
      f.linetable = 0x20000;  // a str where the location table should be
      CHECK(refused(f) == py::DecodeFailure::wrong_type);
    }
  }

  TEST_CASE("instruction offsets are range-checked against the code object") {
    for (const auto& l : layouts()) {
      CAPTURE(py::version_string(l.version));
      py::CodeObject code;
      code.code_start = 0x50000;
      code.code_units = 10;
      py::InterpreterFrame frame;
      auto offset = [&](std::uint64_t instr) {
        frame.instr = instr;
        return py::instruction_offset(l, frame, code);
      };
      CHECK(*offset(0x50000) == 0);
      CHECK(*offset(0x50000 + 18) == 9);
      CHECK(failure_of(offset(0x50000 + 20)) == py::DecodeFailure::out_of_range);
      CHECK(failure_of(offset(0x50000 + 3)) == py::DecodeFailure::corrupt);
      CHECK(failure_of(offset(0)) == py::DecodeFailure::out_of_range);
      CHECK(failure_of(offset(~std::uint64_t{0} - 1)) == py::DecodeFailure::out_of_range);
      if (l.instruction_pointer == py::InstructionPointer::previous_code_unit)
        CHECK(*offset(0x50000 - 2) == -1);  // a frame that has not run yet
      else
        CHECK(failure_of(offset(0x50000 - 2)) == py::DecodeFailure::out_of_range);
    }
  }

  TEST_CASE("frame chains: decoded to names and lines, cycles, overlong chains and wild pointers stop the walk") {
    for (const auto& l : layouts()) {
      CAPTURE(py::version_string(l.version));
      pt::FakeMemory memory;
      memory.put(0x20000, pt::ascii_object(l, "f"));
      memory.put(0x22000, pt::ascii_object(l, "f.py"));
      // 4 code units: units 0-1 line 10 (no-columns, +0), units 2-3 line 12 (+2).
      memory.put(0x23000, pt::bytes_object(l, std::vector<std::byte>{std::byte{0x80 | (13 << 3) | 1}, std::byte{0},
                                                                     std::byte{0x80 | (13 << 3) | 1}, std::byte{4}}));
      memory.put(0x30000, pt::code_object(l, {4, 10, 0x20000, 0x20000, 0x22000, 0x23000}));
      const std::uint64_t code_start = 0x30000 + l.code.code_adaptive;
      const std::uint64_t f1 = 0x40000, f2 = 0x40100, f3 = 0x40200;
      memory.put(f1, pt::frame_object(l, 0x30000, f2, code_start + 4));
      memory.put(f2, pt::frame_object(l, 0x20000, f3, code_start));  // a str where the code should be
      memory.put(f3, pt::frame_object(l, 0x30000, 0, code_start + 2));
      py::CodeObjectCache codes;
      auto chain = py::walk_frame_chain(memory, l, known, f1, codes);
      CHECK_FALSE(chain.truncated.has_value());
      REQUIRE(chain.frames.size() == 3);
      CHECK(chain.frames[0].qualname == "f");
      CHECK(chain.frames[0].filename == "f.py");
      CHECK(chain.frames[0].instruction_offset == 2);
      CHECK(chain.frames[0].line == 12);
      REQUIRE(chain.frames[1].error.has_value());
      CHECK(chain.frames[1].error->failure == py::DecodeFailure::wrong_type);
      CHECK(chain.frames[2].line == 10);

      // A frame whose previous is itself; two frames pointing at each other.
      memory.put(f3, pt::frame_object(l, 0x30000, f3, code_start));
      chain = py::walk_frame_chain(memory, l, known, f1, codes);
      REQUIRE(chain.truncated.has_value());
      CHECK(chain.truncated->failure == py::DecodeFailure::cycle);
      CHECK(chain.frames.size() == 3);
      memory.put(f3, pt::frame_object(l, 0x30000, f2, code_start));
      chain = py::walk_frame_chain(memory, l, known, f2, codes);
      CHECK(chain.truncated->failure == py::DecodeFailure::cycle);
      CHECK(chain.frames.size() == 2);

      // A chain longer than the limit; a previous pointing nowhere; a misaligned one.
      pt::FakeMemory longer;
      for (std::uint64_t i = 0; i < 100; ++i)
        longer.put(0x100000 + i * 0x100, pt::frame_object(l, 0, 0x100000 + (i + 1) * 0x100, 0));
      chain = py::walk_frame_chain(longer, l, known, 0x100000, codes, 50);
      CHECK(chain.frames.size() == 50);
      CHECK(chain.truncated->failure == py::DecodeFailure::too_many);
      chain = py::walk_frame_chain(longer, l, known, 0x100000, codes);
      CHECK(chain.frames.size() == 100);
      CHECK(chain.truncated->failure == py::DecodeFailure::unreadable);
      memory.put(f3, pt::frame_object(l, 0x30000, 0x40001, code_start));
      chain = py::walk_frame_chain(memory, l, known, f3, codes);
      CHECK(chain.truncated->failure == py::DecodeFailure::corrupt);
      CHECK(py::walk_frame_chain(memory, l, known, 0, codes).frames.empty());
    }
  }

  TEST_CASE("3.12+ shim frames are marked and not decoded, 3.11 entry frames are marked") {
    for (const auto& l : layouts()) {
      CAPTURE(py::version_string(l.version));
      pt::FakeMemory memory;
      auto frame = pt::frame_object(l, 0x999990, 0, 0, py::frame_owned_by_cstack);
      if (l.frame.is_entry) frame.set<std::uint8_t>(*l.frame.is_entry, 1);
      memory.put(0x40000, frame);
      py::CodeObjectCache codes;
      const auto chain = py::walk_frame_chain(memory, l, known, 0x40000, codes);
      REQUIRE(chain.frames.size() == 1);
      const bool shim_model = l.frame_model != py::FrameModel::cframe_entry_flag;
      CHECK(chain.frames[0].frame.is_shim == shim_model);
      CHECK(chain.frames[0].frame.is_entry == !shim_model);
      CHECK(chain.frames[0].error.has_value() == !shim_model);  // a shim's code is not read
    }
  }

  TEST_CASE("thread, interpreter and _PyCFrame lists that loop are cut with a cycle error") {
    for (const auto& l : layouts()) {
      CAPTURE(py::version_string(l.version));
      pt::FakeMemory memory;
      const std::uint64_t runtime = 0x10000, interp = 0x20000, t1 = 0x30000, t2 = 0x31000;
      memory.put(runtime, pt::Blob().set<std::uint64_t>(l.runtime.interpreters_head, interp));
      memory.put(interp, pt::Blob().set<std::uint64_t>(l.interpreter.next, interp).set<std::uint64_t>(l.interpreter.threads_head, t1));
      CHECK(failure_of(py::interpreter_addresses(memory, l, runtime)) == py::DecodeFailure::cycle);
      auto thread = [&](std::uint64_t next, std::uint64_t tid) {
        pt::Blob b(512);
        b.set<std::uint64_t>(l.thread.next, next).set<std::uint64_t>(l.thread.interp, interp);
        b.set<std::uint64_t>(l.thread.native_thread_id, tid);
        if (l.thread.cframe) b.set<std::uint64_t>(*l.thread.cframe, 0x50000);
        return b;
      };
      memory.put(t1, thread(t2, 101));
      memory.put(t2, thread(t1, 102));
      memory.put(0x50000, pt::Blob(24).set<std::uint64_t>(l.cframe.previous, 0x50000));
      const auto list = py::thread_states(memory, l, interp);
      CHECK(list.threads.size() == 2);
      CHECK(list.threads[1].native_thread_id == 102);
      REQUIRE(list.truncated.has_value());
      CHECK(list.truncated->failure == py::DecodeFailure::cycle);
      if (l.thread.cframe) {
        CHECK(failure_of(py::cframe_chain(memory, l, list.threads[0])) == py::DecodeFailure::cycle);
      } else {
        CHECK(failure_of(py::cframe_chain(memory, l, list.threads[0])) == py::DecodeFailure::unsupported);
      }
    }
  }

  TEST_CASE("dicts: lookups by str key in combined tables, impossible shapes and counts refused") {
    for (const auto& l : layouts()) {
      CAPTURE(py::version_string(l.version));
      pt::FakeMemory memory;
      memory.put(0x20000, pt::ascii_object(l, "alpha"));
      memory.put(0x21000, pt::ascii_object(l, "beta"));
      // A unicode-keys table of 8 slots (1-byte indices) with 3 entries, the middle one deleted.
      auto keys = [&](std::uint8_t log2_size, std::uint8_t log2_index, std::uint8_t kind, std::int64_t n) {
        pt::Blob b(l.dict_keys.indices + (std::size_t{1} << log2_index));
        b.set<std::uint8_t>(l.dict_keys.log2_size, log2_size).set<std::uint8_t>(l.dict_keys.log2_index_bytes, log2_index);
        b.set<std::uint8_t>(l.dict_keys.kind, kind).set<std::int64_t>(l.dict_keys.nentries, n);
        const std::size_t entries = l.dict_keys.indices + (std::size_t{1} << log2_index);
        b.set<std::uint64_t>(entries + 0, 0x20000).set<std::uint64_t>(entries + 8, 0xAAAA);
        b.set<std::uint64_t>(entries + 16, 0).set<std::uint64_t>(entries + 24, 0);
        b.set<std::uint64_t>(entries + 32, 0x21000).set<std::uint64_t>(entries + 40, 0xBBBB);
        return b;
      };
      memory.put(0x30000, keys(3, 3, 1, 3));
      memory.put(at, pt::Blob().set<std::uint64_t>(l.object.ob_type, pt::fake_dict_type).set<std::uint64_t>(l.dict.ma_keys, 0x30000)
                       .set<std::uint64_t>(l.dict.ma_values, 0));
      const auto entries = py::dict_entries(memory, l, known, at);
      REQUIRE(entries.has_value());
      CHECK(entries->size() == 2);
      CHECK(py::dict_get_str(memory, l, known, at, "beta")->value_or(0) == 0xBBBB);
      CHECK(py::dict_get_str(memory, l, known, at, "alpha")->value_or(0) == 0xAAAA);
      CHECK_FALSE(py::dict_get_str(memory, l, known, at, "gamma")->has_value());
      CHECK_FALSE(py::dict_get_str(memory, l, known, at, "alph")->has_value());

      // A key that cannot be read: a found key is still found, an absent one is an error.
      memory.put(0x20000, pt::Blob(8));
      CHECK(py::dict_get_str(memory, l, known, at, "beta")->value_or(0) == 0xBBBB);
      CHECK(failure_of(py::dict_get_str(memory, l, known, at, "gamma")) == py::DecodeFailure::unreadable);

      memory.put(0x30000, keys(3, 3, 1, std::int64_t{1} << 40));
      CHECK(failure_of(py::dict_entries(memory, l, known, at)) == py::DecodeFailure::corrupt);
      memory.put(0x30000, keys(3, 3, 1, -1));
      CHECK(failure_of(py::dict_entries(memory, l, known, at)) == py::DecodeFailure::corrupt);
      memory.put(0x30000, keys(3, 9, 1, 3));
      CHECK(failure_of(py::dict_entries(memory, l, known, at)) == py::DecodeFailure::corrupt);
      memory.put(0x30000, keys(3, 3, 7, 3));
      CHECK(failure_of(py::dict_entries(memory, l, known, at)) == py::DecodeFailure::corrupt);
      memory.put(0x30000, keys(30, 30, 1, 1 << 29));
      CHECK(failure_of(py::dict_entries(memory, l, known, at)) == py::DecodeFailure::too_many);
      memory.put(at, pt::Blob().set<std::uint64_t>(l.object.ob_type, pt::fake_str_type));
      CHECK(failure_of(py::dict_entries(memory, l, known, at)) == py::DecodeFailure::wrong_type);
    }
  }

  TEST_CASE("type names and tp_base chains are bounded") {
    for (const auto& l : layouts()) {
      CAPTURE(py::version_string(l.version));
      pt::FakeMemory memory;
      memory.put(0x10000, pt::Blob(400).set<std::uint64_t>(l.type.tp_name, 0x80000).set<std::uint64_t>(l.type.tp_base, 0x11000));
      memory.put(0x11000, pt::Blob(400).set<std::uint64_t>(l.type.tp_name, 0x81000).set<std::uint64_t>(l.type.tp_base, 0));
      memory.put(0x80000, bytes_of(std::string("Worker") + '\0'));
      memory.put(0x81000, std::vector<std::byte>(1000, std::byte{'A'}));  // no NUL within the cap
      CHECK(*py::type_name(memory, l, 0x10000) == "Worker");
      CHECK(failure_of(py::type_name(memory, l, 0x11000)) == py::DecodeFailure::too_long);
      memory.put(0x81000, bytes_of(std::string("bad\x01name") + '\0'));
      CHECK(failure_of(py::type_name(memory, l, 0x11000)) == py::DecodeFailure::corrupt);
      memory.put(0x81000, bytes_of("unterminated"));  // the mapping ends before a NUL
      CHECK(failure_of(py::type_name(memory, l, 0x11000)) == py::DecodeFailure::unreadable);
      CHECK(*py::derives_from(memory, l, 0x10000, 0x11000));
      CHECK_FALSE(*py::derives_from(memory, l, 0x10000, 0x12000));
      memory.put(0x11000, pt::Blob(400).set<std::uint64_t>(l.type.tp_base, 0x10000));
      CHECK(failure_of(py::derives_from(memory, l, 0x10000, 0x12000)) == py::DecodeFailure::cycle);
      for (std::uint64_t i = 0; i < 100; ++i)
        memory.put(0x200000 + i * 0x1000, pt::Blob(400).set<std::uint64_t>(l.type.tp_base, 0x200000 + (i + 1) * 0x1000));
      CHECK(failure_of(py::derives_from(memory, l, 0x200000, 0x12000)) == py::DecodeFailure::too_many);
    }
  }
}
