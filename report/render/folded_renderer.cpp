#include "report/render/folded_renderer.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "report/render/format.hpp"
#include "report/render/frame_view.hpp"
#include "report/render/program_name.hpp"

namespace gmr::report {
namespace {

std::string basename_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string without_separators(std::string text) {
  for (char& c : text)
    if (c == ';') c = ':';
  return printable(text);
}

std::string program(const Report& report) {
  const std::string name = program_name(report);
  if (!name.empty()) return without_separators(name);
  return "pid " + std::to_string(report.capture.pid);
}

}  // namespace

std::string folded_frame(const Frame& frame) {
  if (frame.kind == Frame::Kind::python) {
    // py-spy's spelling: "qualname (file:line)".
    std::string text = frame.function ? *frame.function : std::string{"??"};
    text += " (" + (frame.file ? *frame.file : std::string{"??"});
    if (frame.line) text += ":" + std::to_string(*frame.line);
    return without_separators(text + ")");
  }
  if (frame.function) return without_separators(*frame.function);
  if (frame.module && frame.module_offset)
    return without_separators(basename_of(*frame.module)) + "+" + format_hex(*frame.module_offset);
  return format_hex(frame.pc);
}

void render_folded(const Report& report, std::ostream& out, bool native_frames) {
  std::map<std::string, std::size_t> counts;
  const std::string root = program(report);
  for (const auto& thread : report.threads) {
    std::string line = root;
    if (thread.frames.empty()) line += thread.frozen ? ";[no frames]" : ";[not frozen]";
    const FrameView view = frame_view(thread, native_frames);
    for (auto it = view.shown.rbegin(); it != view.shown.rend(); ++it) line += ";" + folded_frame(**it);
    ++counts[line];
  }
  std::vector<std::pair<std::string, std::size_t>> lines(counts.begin(), counts.end());
  std::ranges::stable_sort(lines, [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [line, count] : lines) out << line << ' ' << count << '\n';
}

}  // namespace gmr::report
