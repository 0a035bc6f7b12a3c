// One JSON object written member by member, byte for byte as nlohmann's dump() would write the whole
// object (one line, or indented by 2), so that a document too large to hold — the threads of a process
// with thousands of them — is never built: each member, and each item of an array member, exists only
// while it is written.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <ostream>
#include <string_view>

namespace gmr::report {

class JsonStream {
 public:
  /// Writes the opening '{'.
  JsonStream(std::ostream& out, bool pretty);

  /// The member "key": value.
  void member(std::string_view key, const nlohmann::ordered_json& value);

  /// The member "key": [item(0), …, item(size - 1)], each item built and written in turn.
  template <typename Item>
  void array(std::string_view key, std::size_t size, Item&& item) {
    write_key(key);
    if (size == 0) {
      out_ << "[]";
      return;
    }
    out_ << '[';
    for (std::size_t i = 0; i < size; ++i) {
      if (i > 0) out_ << ',';
      if (pretty_) out_ << "\n    ";
      write_value(item(i), 2);
    }
    if (pretty_) out_ << "\n  ";
    out_ << ']';
  }

  /// Writes the closing '}' and the '\n' that ends the document.
  void close();

 private:
  void write_key(std::string_view key);
  void write_value(const nlohmann::ordered_json& value, int depth);

  std::ostream& out_;
  bool pretty_;
  std::size_t members_ = 0;
};

}  // namespace gmr::report
