#include "report/render/json_stream.hpp"

#include <string>

namespace gmr::report {

using json = nlohmann::ordered_json;

JsonStream::JsonStream(std::ostream& out, bool pretty) : out_(out), pretty_(pretty) { out_ << '{'; }

void JsonStream::member(std::string_view key, const json& value) {
  write_key(key);
  write_value(value, 1);
}

void JsonStream::close() {
  if (pretty_ && members_ > 0) out_ << '\n';
  out_ << "}\n";
}

void JsonStream::write_key(std::string_view key) {
  if (members_++ > 0) out_ << ',';
  if (pretty_) out_ << "\n  ";
  out_ << json(key).dump() << (pretty_ ? ": " : ":");
}

// dump() indents a value as if it were the document; nested `depth` levels deep every line after its first
// moves right by 2 * depth. Strings never hold a raw line break (dump escapes it), so every '\n' of the
// text is one of dump's own.
void JsonStream::write_value(const json& value, int depth) {
  const std::string text = value.dump(pretty_ ? 2 : -1, ' ', false, json::error_handler_t::replace);
  if (!pretty_) {
    out_ << text;
    return;
  }
  const std::string indent(static_cast<std::size_t>(2 * depth), ' ');
  std::size_t start = 0;
  for (std::size_t newline = text.find('\n'); newline != std::string::npos; newline = text.find('\n', start)) {
    out_.write(text.data() + start, static_cast<std::streamsize>(newline + 1 - start));
    out_ << indent;
    start = newline + 1;
  }
  out_.write(text.data() + start, static_cast<std::streamsize>(text.size() - start));
}

}  // namespace gmr::report
