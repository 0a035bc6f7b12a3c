#include "report/render/layout.hpp"

namespace gmr::report::layout {

std::size_t text_width(std::string_view text) {
  std::size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;  // count every byte but UTF-8 continuations
  return width;
}

std::string center(std::string_view text, std::size_t width) {
  const std::size_t used = text_width(text);
  if (used >= width) return std::string{text};
  const std::size_t left = (width - used) / 2;
  return std::string(left, ' ') + std::string{text} + std::string(width - used - left, ' ');
}

std::string section_banner(std::string_view title) {
  const std::string rule = std::string(banner_width, '=') + '\n';
  return rule + "====" + center(title, banner_title_width) + "====\n" + rule;
}

std::string thread_header(std::string_view title) {
  return "------" + center(" " + std::string{title} + " ", thread_title_width) + "------\n";
}

std::string field(std::string_view key, std::string_view value) {
  std::string line{key};
  if (line.size() < key_width) line.append(key_width - line.size(), ' ');
  if (value.empty()) return line + " =\n";  // no trailing blank
  return line + " = " + std::string{value} + '\n';
}

}  // namespace gmr::report::layout
