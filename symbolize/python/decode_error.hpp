// Failures of the Python decoders as values: the target's memory is untrusted input (a thread may have
// been mid-update when frozen, a pointer may be wild, a build may not be the one the layout describes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace gmr::symbolize::python {

enum class DecodeFailure {
  unreadable,    // the memory is not available (unmapped, not copied, cut short)
  null_pointer,  // a pointer that must be set is NULL
  wrong_type,    // an object's ob_type is not the expected type
  too_long,      // a length above the decoder's cap
  out_of_range,  // a value outside what the structure allows (instruction offset, string kind, ...)
  cycle,         // a linked list or chain that comes back on itself
  too_many,      // a list or chain longer than the decoder's cap
  corrupt,       // bytes that break the format (location table, string contents, debug offsets)
  unsupported,   // a build or version the layouts do not describe
};

/// A stable name for --json and messages: "unreadable", "wrong_type", ...
const char* failure_name(DecodeFailure failure);

struct DecodeError {
  DecodeFailure failure = DecodeFailure::corrupt;
  std::string message;  // one line, names what was being read and where
};

/// A failure on its way into a Decoded<T> of any T: `return unexpected(other.error());`.
struct Unexpected {
  DecodeError error;
};
inline Unexpected unexpected(DecodeError error) { return Unexpected{std::move(error)}; }
inline Unexpected fail(DecodeFailure failure, std::string message) {
  return Unexpected{DecodeError{failure, std::move(message)}};
}

/// A value or the DecodeError that prevented it: the subset of std::expected<T, DecodeError> the decoders
/// use, with the same meaning. Not std::expected itself because the libFuzzer build (.ci/fuzz: clang-14
/// with libstdc++ 12) cannot compile <expected>; a decoder the fuzzer cannot build is a decoder it cannot
/// fuzz. Replacing this by `using Decoded = std::expected<T, DecodeError>` (and Unexpected by
/// std::unexpected) needs no other change once the fuzzer's compiler can.
template <class T>
class [[nodiscard]] Decoded {
 public:
  Decoded(const T& value) : state_(std::in_place_index<0>, value) {}
  Decoded(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}
  template <class U>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::remove_cvref_t<U>, T> &&
             !std::is_same_v<std::remove_cvref_t<U>, Unexpected> && !std::is_same_v<std::remove_cvref_t<U>, Decoded>)
  Decoded(U&& value) : state_(std::in_place_index<0>, T(std::forward<U>(value))) {}
  Decoded(Unexpected failure) : state_(std::in_place_index<1>, std::move(failure.error)) {}

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  const T& operator*() const& { return std::get<0>(state_); }
  T& operator*() & { return std::get<0>(state_); }
  T&& operator*() && { return std::get<0>(std::move(state_)); }
  const T* operator->() const { return &std::get<0>(state_); }
  T* operator->() { return &std::get<0>(state_); }
  const DecodeError& error() const { return std::get<1>(state_); }
  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? **this : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, DecodeError> state_;
};

template <>
class [[nodiscard]] Decoded<void> {
 public:
  Decoded() = default;
  Decoded(Unexpected failure) : error_(std::move(failure.error)) {}
  bool has_value() const { return !error_; }
  explicit operator bool() const { return has_value(); }
  const DecodeError& error() const { return *error_; }

 private:
  std::optional<DecodeError> error_;
};

/// "0x7f12ab340000"
std::string hex(std::uint64_t value);

}  // namespace gmr::symbolize::python
