// Equal texts made one (interning), for one dump: every frame naming libc, its build id, a file or a
// function holds the same SharedText, so a report of 10,000 threads stores each distinct string once.
// Not thread-safe: one pool per builder.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "symbolize/shared_text.hpp"

namespace gmr::symbolize {

class TextPool {
 public:
  /// The pool's text equal to `text`, made on first use.
  SharedText intern(std::string_view text);
  SharedText intern(const std::string& text) { return intern(std::string_view(text)); }
  SharedText intern(const char* text) { return intern(std::string_view(text)); }
  /// Absent stays absent.
  SharedText intern(const std::optional<std::string>& text) {
    return text ? intern(std::string_view(*text)) : SharedText();
  }
  SharedText intern(const SharedText& text) { return text ? intern(std::string_view(*text)) : SharedText(); }

  /// Distinct texts held.
  std::size_t size() const { return texts_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    std::size_t operator()(const SharedText& text) const { return (*this)(std::string_view(*text)); }
  };
  struct Equal {
    using is_transparent = void;
    bool operator()(const SharedText& a, const SharedText& b) const { return a == b; }
    bool operator()(const SharedText& a, std::string_view b) const { return a == b; }
    bool operator()(std::string_view a, const SharedText& b) const { return b == a; }
  };
  std::unordered_set<SharedText, Hash, Equal> texts_;  // never an absent one
};

}  // namespace gmr::symbolize
