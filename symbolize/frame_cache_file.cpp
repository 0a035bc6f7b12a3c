#include "symbolize/frame_cache_file.hpp"

#include <cstring>

namespace gmr::symbolize {
namespace {

constexpr std::string_view magic = "GMR frame cache\n";
constexpr std::uint32_t format_version = 1;
// Bounds that no real module reaches; a file claiming more is refused before anything is allocated for it.
constexpr std::uint32_t max_string = 1 << 20;
constexpr std::uint32_t max_frames_per_pc = 4096;

enum FrameBits : std::uint8_t {
  inlined_bit = 1,
  function_bit = 2,
  offset_bit = 4,
  file_bit = 8,
  line_bit = 16,
  column_bit = 32,
  source_bit = 64,
};

// FNV-1a, 64 bits: catches truncation and stray writes, not malice (the files are the user's own).
std::uint64_t checksum(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) { raw(&v, sizeof v); }
  void u64(std::uint64_t v) { raw(&v, sizeof v); }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  std::string take() { return std::move(out_); }

 private:
  void raw(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string out_;
};

// Every read checks the bytes left first; after the first failure every read fails.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : in_(bytes) {}
  bool ok() const { return ok_; }
  bool at_end() const { return in_.empty(); }
  std::uint8_t u8() {
    std::uint8_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  std::string str() {
    const std::uint32_t n = u32();
    if (!ok_ || n > max_string || n > in_.size()) {
      ok_ = false;
      return {};
    }
    std::string s(in_.substr(0, n));
    in_.remove_prefix(n);
    return s;
  }

 private:
  void raw(void* p, std::size_t n) {
    if (!ok_ || in_.size() < n) {
      ok_ = false;
      return;
    }
    std::memcpy(p, in_.data(), n);
    in_.remove_prefix(n);
  }
  std::string_view in_;
  bool ok_ = true;
};

void write_frame(Writer& w, const CachedFrame& f) {
  std::uint8_t bits = 0;
  if (f.inlined) bits |= inlined_bit;
  if (f.function) bits |= function_bit;
  if (f.function_offset) bits |= offset_bit;
  if (f.file) bits |= file_bit;
  if (f.line) bits |= line_bit;
  if (f.column) bits |= column_bit;
  if (f.source_path) bits |= source_bit;
  w.u8(bits);
  if (f.function) w.str(*f.function);
  if (f.function_offset) w.u64(*f.function_offset);
  if (f.file) w.str(*f.file);
  if (f.line) w.u32(static_cast<std::uint32_t>(*f.line));
  if (f.column) w.u32(static_cast<std::uint32_t>(*f.column));
  if (f.source_path) w.str(*f.source_path);
}

std::optional<CachedFrame> read_frame(Reader& r) {
  const std::uint8_t bits = r.u8();
  if (!r.ok() || (bits & 0x80) != 0) return std::nullopt;
  CachedFrame f;
  f.inlined = (bits & inlined_bit) != 0;
  if (bits & function_bit) f.function = r.str();
  if (bits & offset_bit) f.function_offset = r.u64();
  if (bits & file_bit) f.file = r.str();
  if (bits & line_bit) f.line = static_cast<int>(r.u32());
  if (bits & column_bit) f.column = static_cast<int>(r.u32());
  if (bits & source_bit) f.source_path = r.str();
  if (!r.ok()) return std::nullopt;
  return f;
}

}  // namespace

std::string encode_cache_file(const CacheFileContents& contents) {
  Writer w;
  w.str(magic);
  w.u32(format_version);
  w.str(contents.identity.gmr_version);
  w.str(contents.identity.build_id);
  w.str(contents.identity.debug_files);
  w.u64(contents.pcs.size());
  for (const auto& [key, pc] : contents.pcs) {
    w.u64(key.first);
    w.u8(key.second ? 1 : 0);
    w.u8(pc.without_aranges ? 1 : 0);
    w.u32(static_cast<std::uint32_t>(pc.frames.size()));
    for (const CachedFrame& frame : pc.frames) write_frame(w, frame);
  }
  std::string body = w.take();
  Writer tail;
  tail.u64(checksum(body));
  return body + tail.take();
}

std::optional<CacheFileContents> decode_cache_file(std::string_view bytes, const CacheFileIdentity& expected) {
  if (bytes.size() < sizeof(std::uint64_t)) return std::nullopt;
  const std::string_view body = bytes.substr(0, bytes.size() - sizeof(std::uint64_t));
  std::uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + body.size(), sizeof stored);
  if (stored != checksum(body)) return std::nullopt;

  Reader r(body);
  if (r.str() != magic || r.u32() != format_version) return std::nullopt;
  CacheFileContents contents;
  contents.identity.gmr_version = r.str();
  contents.identity.build_id = r.str();
  contents.identity.debug_files = r.str();
  if (!r.ok() || contents.identity != expected) return std::nullopt;
  const std::uint64_t count = r.u64();
  for (std::uint64_t i = 0; r.ok() && i < count; ++i) {
    CachedPcKey key;
    key.first = r.u64();
    const std::uint8_t activation = r.u8();
    CachedPc pc;
    const std::uint8_t aranges = r.u8();
    const std::uint32_t frames = r.u32();
    if (!r.ok() || activation > 1 || aranges > 1 || frames == 0 || frames > max_frames_per_pc) return std::nullopt;
    key.second = activation == 1;
    pc.without_aranges = aranges == 1;
    for (std::uint32_t f = 0; f < frames; ++f) {
      auto frame = read_frame(r);
      if (!frame) return std::nullopt;
      pc.frames.push_back(std::move(*frame));
    }
    if (!contents.pcs.emplace(key, std::move(pc)).second) return std::nullopt;
  }
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return contents;
}

}  // namespace gmr::symbolize
