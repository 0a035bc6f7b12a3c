// Parsed<T>: a value or a one-line error, the result of reading untrusted core-file bytes. It has the
// shape of std::expected<T, std::string> (has_value, *, ->, error), but the fuzz harness of the core reader
// is built with clang 14 (.ci/fuzz), which cannot compile libstdc++ 12's <expected>.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace gmr::core {

struct ParseError {
  std::string message;
};

inline ParseError parse_error(std::string message) { return ParseError{std::move(message)}; }

template <typename T>
class Parsed {
 public:
  Parsed(T value) : state_(std::move(value)) {}
  Parsed(ParseError error) : state_(std::move(error)) {}

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return std::get<0>(state_); }
  const T& operator*() const { return std::get<0>(state_); }
  T* operator->() { return &std::get<0>(state_); }
  const T* operator->() const { return &std::get<0>(state_); }
  const std::string& error() const { return std::get<1>(state_).message; }

 private:
  std::variant<T, ParseError> state_;
};

}  // namespace gmr::core
