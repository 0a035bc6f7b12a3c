#include "report/render/frame_text.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include "report/render/format.hpp"

namespace gmr::report {

namespace {

std::string frame_function(const Frame& frame) {
  std::string text = frame.function ? printable(*frame.function) : "??";
  if (frame.inlined) return text + " [inlined]";
  if (frame.function && frame.function_offset) text += "+" + format_hex(*frame.function_offset);
  return text;
}

// The module offset is shown only for frames without a function: it is what addr2line needs then.
std::string frame_module(const Frame& frame) {
  if (!frame.module) return frame.jit ? "(JIT code: anonymous executable mapping)" : "(no module)";
  const bool with_offset = !frame.function && frame.module_offset;
  return "(" + printable(*frame.module) + (with_offset ? "+" + format_hex(*frame.module_offset) : "") + ")";
}

std::string frame_location(const Frame& frame) {
  if (!frame.file) return "";
  std::string text = " at " + printable(*frame.file);
  if (!frame.line) return text;
  text += ":" + std::to_string(*frame.line);
  return frame.column ? text + ":" + std::to_string(*frame.column) : text;
}

std::string frame_index(int index, std::size_t width) {
  std::string text = "#" + std::to_string(index);
  if (text.size() < width + 1) text.append(width + 1 - text.size(), ' ');
  return text;
}

}  // namespace

std::size_t index_width(const std::vector<Frame>& frames) {
  std::size_t width = 1;
  for (const auto& frame : frames) width = std::max(width, std::to_string(frame.index).size());
  return width;
}

namespace {

// A source line as an editor shows it: each tab up to the next multiple of 8 columns of the (trimmed)
// line; every other control byte is still escaped.
std::string source_text(std::string_view line) {
  std::string expanded;
  expanded.reserve(line.size());
  for (char c : line) {
    if (c == '\t')
      expanded.append(8 - expanded.size() % 8, ' ');
    else
      expanded += c;
  }
  return printable(expanded);
}

// oslo.reports' line for a Python frame: "/srv/app/worker.py:42 in Worker.run".
std::string python_frame_text(const Frame& frame) {
  std::string text = frame.file ? printable(*frame.file) : std::string{"??"};
  if (frame.line) text += ":" + std::to_string(*frame.line);
  text += " in " + (frame.function ? printable(*frame.function) : std::string{"??"});
  if (frame.python && frame.python->error) text += " (" + printable(frame.python->error->message) + ")";
  return text;
}

}  // namespace

void render_frame(const Frame& frame, std::size_t width, std::ostream& out) {
  out << frame_index(frame.index, width) << ' ';
  if (frame.kind == Frame::Kind::python)
    out << python_frame_text(frame) << '\n';
  else
    out << format_address(frame.pc) << ' ' << frame_function(frame) << ' ' << frame_module(frame)
        << frame_location(frame) << '\n';
  if (frame.source) out << "    `" << source_text(*frame.source) << "`\n";
}

}  // namespace gmr::report
