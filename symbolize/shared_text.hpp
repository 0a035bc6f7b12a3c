// Immutable text shared by all its copies: what a frame says (function, module path, build id, file,
// source line) repeats on thousands of frames, and a copy of a SharedText is a pointer and a reference
// count, never the bytes again. TextPool (symbolize/text_pool.hpp) makes equal texts one.
//
// It reads like a `const std::optional<std::string>`: absent or a string, `*text`, `text->size()`,
// `text.value_or("??")`, `if (text)`, compared with strings and with std::nullopt. Assigning a string makes
// new text (not shared with an equal one made elsewhere). The count is atomic: copies may live on different
// threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace gmr::symbolize {

class SharedText {
 public:
  SharedText() = default;  // absent
  SharedText(std::nullopt_t) {}
  SharedText(std::string text) : block_(new Block{{1}, std::move(text)}) {}
  SharedText(const char* text) : SharedText(std::string(text)) {}
  SharedText(std::string_view text) : SharedText(std::string(text)) {}
  SharedText(std::optional<std::string> text) {
    if (text) block_ = new Block{{1}, std::move(*text)};
  }

  SharedText(const SharedText& other) noexcept : block_(other.block_) { retain(); }
  SharedText(SharedText&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  SharedText& operator=(const SharedText& other) noexcept {
    SharedText copy(other);
    std::swap(block_, copy.block_);
    return *this;
  }
  SharedText& operator=(SharedText&& other) noexcept {
    SharedText taken(std::move(other));
    std::swap(block_, taken.block_);
    return *this;
  }
  ~SharedText() { release(); }

  bool has_value() const { return block_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  /// Only when present (as for std::optional).
  const std::string& operator*() const { return block_->text; }
  const std::string* operator->() const { return &block_->text; }
  /// Throws std::bad_optional_access when absent.
  const std::string& value() const {
    if (!block_) throw std::bad_optional_access();
    return block_->text;
  }
  std::string value_or(std::string_view fallback) const { return block_ ? block_->text : std::string(fallback); }
  std::optional<std::string> optional() const {
    return block_ ? std::optional<std::string>(block_->text) : std::nullopt;
  }
  void reset() { SharedText().swap(*this); }
  void swap(SharedText& other) noexcept { std::swap(block_, other.block_); }

  /// Both absent, or the very same bytes (not merely equal ones).
  bool shares_with(const SharedText& other) const { return block_ == other.block_; }

  friend bool operator==(const SharedText& a, const SharedText& b) {
    if (a.block_ == b.block_) return true;
    return a.block_ && b.block_ && a.block_->text == b.block_->text;
  }
  friend bool operator==(const SharedText& a, std::nullopt_t) { return !a.block_; }
  friend bool operator==(const SharedText& a, std::string_view b) { return a.block_ && a.block_->text == b; }
  friend bool operator==(const SharedText& a, const std::string& b) { return a == std::string_view(b); }
  friend bool operator==(const SharedText& a, const char* b) { return a == std::string_view(b); }
  friend bool operator==(const SharedText& a, const std::optional<std::string>& b) {
    return b ? a == std::string_view(*b) : !a.block_;
  }
  /// For test failure messages: the text, or "nullopt".
  friend std::ostream& operator<<(std::ostream& out, const SharedText& text) {
    return text ? out << '"' << *text << '"' : out << "nullopt";
  }

 private:
  struct Block {
    std::atomic<std::size_t> references;
    const std::string text;
  };
  void retain() const {
    if (block_) block_->references.fetch_add(1, std::memory_order_relaxed);
  }
  void release() {
    if (block_ && block_->references.fetch_sub(1, std::memory_order_acq_rel) == 1) delete block_;
    block_ = nullptr;
  }

  Block* block_ = nullptr;
};

}  // namespace gmr::symbolize
