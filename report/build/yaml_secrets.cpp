#include "report/build/yaml_secrets.hpp"

#include <cctype>

#include "report/build/text_secrets.hpp"

namespace gmr::report {
namespace {

constexpr auto npos = std::string_view::npos;

bool blank(char c) { return c == ' ' || c == '\t'; }

/// A key naming a secret, inherited by everything nested under it.
struct Secret {
  MaskReason reason;
  std::string key;
};

/// A value that may continue on the lines below: those indented more than `column` (and, for a key with
/// an empty value, "- " items at `column`).
struct Node {
  std::size_t column = 0;
  bool allow_dash = false;
  std::optional<Secret> secret;
  std::optional<std::string> key;
};

/// A block scalar ("|", ">"): its lines are those indented more than `column`, and blank ones.
struct Block {
  std::size_t column = 0;
  std::optional<Secret> secret;
  std::optional<std::string> key;
};

/// A quoted scalar that did not close on its line.
struct Quoted {
  char quote = '"';
  std::optional<Secret> secret;
  std::optional<std::string> key;
};

class Scanner {
 public:
  Scanner(std::string_view text, const SecretMask& mask) : t_(text), mask_(mask) {}

  std::optional<std::vector<SecretSpan>> run() {
    std::size_t b = 0;
    while (b <= t_.size()) {
      std::size_t nl = t_.find('\n', b);
      if (nl == npos) nl = t_.size();
      std::size_t e = nl;
      if (e > b && t_[e - 1] == '\r') --e;
      if (!line(b, e)) return std::nullopt;
      b = nl + 1;
    }
    if (!keys_) return std::nullopt;
    return std::move(spans_);
  }

 private:
  std::size_t skip_blanks(std::size_t i, std::size_t e) const {
    while (i < e && blank(t_[i])) ++i;
    return i;
  }
  std::size_t trim_end(std::size_t b, std::size_t e) const {
    while (e > b && blank(t_[e - 1])) --e;
    return e;
  }

  /// The closing quote of a scalar whose contents start at `i`, on this line, or npos.
  std::size_t close_of(char quote, std::size_t i, std::size_t e) const {
    while (i < e) {
      if (quote == '"' && t_[i] == '\\') {
        i += 2;
      } else if (t_[i] == quote) {
        if (quote == '\'' && i + 1 < e && t_[i + 1] == '\'') {
          i += 2;
        } else {
          return i;
        }
      } else {
        ++i;
      }
    }
    return npos;
  }

  /// The bracket that closes the flow collection opening at `i`, on this line, or npos.
  std::size_t flow_close(std::size_t i, std::size_t e) const {
    int depth = 0;
    for (; i < e; ++i) {
      const char c = t_[i];
      if (c == '"' || c == '\'') {
        i = close_of(c, i + 1, e);
        if (i == npos) return npos;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return i;
      }
    }
    return npos;
  }

  /// The end of a plain scalar starting at `i`: before " #", less trailing blanks.
  std::size_t plain_end(std::size_t i, std::size_t e) const {
    for (std::size_t j = i + 1; j < e; ++j)
      if (t_[j] == '#' && blank(t_[j - 1])) return trim_end(i, j);
    return trim_end(i, e);
  }

  void emit(std::size_t b, std::size_t e, const std::optional<Secret>& secret, const std::optional<std::string>& key) {
    if (b >= e) return;
    if (secret) {
      spans_.push_back({b, e, secret->reason, secret->key});
    } else {
      mask_.inner_spans(t_.substr(b, e - b), b, key, spans_);
    }
  }

  struct Key {
    std::string key;
    std::size_t value = 0;  // just after the ':'
  };

  std::optional<Key> key_at(std::size_t i, std::size_t e) const {
    const char c = t_[i];
    if (c == '"' || c == '\'') {
      const std::size_t close = close_of(c, i + 1, e);
      if (close == npos) return std::nullopt;
      const std::size_t colon = skip_blanks(close + 1, e);
      if (colon >= e || t_[colon] != ':' || (colon + 1 < e && !blank(t_[colon + 1]))) return std::nullopt;
      return Key{std::string(t_.substr(i + 1, close - i - 1)), colon + 1};
    }
    if (std::string_view("[]{},#&*!|>%@`").find(c) != npos) return std::nullopt;
    for (std::size_t j = i; j < e; ++j) {
      if (t_[j] == '#' && j > i && blank(t_[j - 1])) return std::nullopt;
      if (t_[j] == ':' && (j + 1 == e || blank(t_[j + 1]))) {
        const std::size_t end = trim_end(i, j);
        if (end == i) return std::nullopt;
        return Key{std::string(t_.substr(i, end - i)), j + 1};
      }
    }
    return std::nullopt;
  }

  /// The value starting at `v` of a key (`mapping`) or a sequence item at `column`.
  bool value(std::size_t v, std::size_t e, std::size_t column, bool mapping, const std::optional<Secret>& secret,
             const std::optional<std::string>& key) {
    v = skip_blanks(v, e);
    while (v < e && (t_[v] == '!' || t_[v] == '&')) {  // a tag or an anchor
      while (v < e && !blank(t_[v])) ++v;
      v = skip_blanks(v, e);
    }
    if (v == e || t_[v] == '#') {
      nodes_.push_back({column, mapping, secret, key});
      return true;
    }
    const char c = t_[v];
    if (c == '|' || c == '>') {
      std::size_t j = v + 1;
      while (j < e && (t_[j] == '-' || t_[j] == '+' || std::isdigit(static_cast<unsigned char>(t_[j])))) ++j;
      j = skip_blanks(j, e);
      if (j == e || t_[j] == '#') {
        block_ = Block{column, secret, key};
        return true;
      }
    }
    if (c == '"' || c == '\'') {
      const std::size_t close = close_of(c, v + 1, e);
      if (close == npos) {
        emit(v + 1, trim_end(v + 1, e), secret, key);
        quoted_ = Quoted{c, secret, key};
      } else {
        emit(v + 1, close, secret, key);
      }
      return true;
    }
    if (c == '{' || c == '[') {
      const std::size_t close = flow_close(v, e);
      if (close == npos) return false;
      const std::size_t inside = skip_blanks(v + 1, close);
      emit(inside, trim_end(inside, close), secret, key);
      return true;
    }
    if (c == '*') return true;  // an alias: a reference, not a value
    const std::size_t end = plain_end(v, e);
    const std::string_view plain = t_.substr(v, end - v);
    if (!(secret && (plain == "~" || plain == "null" || plain == "Null" || plain == "NULL"))) emit(v, end, secret, key);
    nodes_.push_back({column, false, secret, key});
    return true;
  }

  bool line(std::size_t b, std::size_t e) {
    std::size_t i = b;
    while (i < e && t_[i] == ' ') ++i;
    const bool empty = skip_blanks(i, e) == e;
    if (block_) {
      if (empty) return true;
      if (i - b > block_->column) {
        const std::size_t end = trim_end(i, e);
        if (block_->secret) {
          emit(i, end, block_->secret, block_->key);
        } else {
          text_line_spans(t_.substr(i, end - i), i, mask_, spans_);
        }
        return true;
      }
      block_.reset();
    }
    if (quoted_) {
      const std::size_t from = skip_blanks(b, e);
      const std::size_t close = close_of(quoted_->quote, from, e);
      emit(from, close == npos ? trim_end(from, e) : close, quoted_->secret, quoted_->key);
      if (close != npos) quoted_.reset();
      return true;
    }
    if (empty) return true;
    if (t_[i] == '\t') return false;  // YAML indents with spaces only
    if (t_[i] == '#') return true;
    const std::size_t indent = i - b;
    const std::string_view rest = t_.substr(i, e - i);
    if (indent == 0 && (rest.starts_with("---") || rest.starts_with("...")) && (rest.size() == 3 || blank(rest[3]))) {
      nodes_.clear();
      return true;
    }
    if (indent == 0 && rest.front() == '%') return true;

    const bool dash = t_[i] == '-' && (i + 1 == e || blank(t_[i + 1]));
    while (!nodes_.empty() &&
           !(indent > nodes_.back().column || (indent == nodes_.back().column && dash && nodes_.back().allow_dash)))
      nodes_.pop_back();
    const std::optional<Secret> secret = nodes_.empty() ? std::nullopt : nodes_.back().secret;
    const std::optional<std::string> key = nodes_.empty() ? std::nullopt : nodes_.back().key;
    const bool continues = !nodes_.empty();

    bool item = false;
    std::size_t item_column = 0;
    while (i < e && t_[i] == '-' && (i + 1 == e || blank(t_[i + 1]))) {
      item = true;
      item_column = i - b;
      i = skip_blanks(i + 1, e);
    }
    if (i == e || t_[i] == '#') {  // "-" alone: the item's value is on the lines below
      nodes_.push_back({item_column, false, secret, key});
      return true;
    }
    if (t_[i] == '?' && (i + 1 == e || blank(t_[i + 1]))) return false;  // complex keys: not handled
    if (auto k = key_at(i, e)) {
      keys_ = true;
      std::optional<Secret> s = secret;
      if (!s)
        if (auto reason = mask_.key_reason(k->key)) s = Secret{*reason, k->key};
      return value(k->value, e, i - b, true, s, k->key);
    }
    if (item) return value(i, e, item_column, false, secret, key);
    if (!continues) return false;  // a scalar that belongs to no value above
    emit(i, plain_end(i, e), secret, key);
    return true;
  }

  std::string_view t_;
  const SecretMask& mask_;
  std::vector<SecretSpan> spans_;
  std::vector<Node> nodes_;
  std::optional<Block> block_;
  std::optional<Quoted> quoted_;
  bool keys_ = false;
};

}  // namespace

std::optional<std::vector<SecretSpan>> yaml_secret_spans(std::string_view text, const SecretMask& mask) {
  return Scanner(text, mask).run();
}

}  // namespace gmr::report
