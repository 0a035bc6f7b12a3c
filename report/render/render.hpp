// One entry point for every output format: the CLI picks the format, this picks the renderer.
#pragma once

#include <ostream>

#include "report/render/output_format.hpp"
#include "report/report.hpp"
#include "report/render/sections.hpp"

namespace gmr::report {

struct RenderOptions {
  SectionSet sections = SectionSet::all();
  int exit_code = 0;         // JSON "exit_code": what gmr exits with for this pid alone
  bool pretty_json = false;  // indented JSON (report files) instead of one line (JSON Lines on stdout)
  bool native_frames = false;  // --native: text and folded show every frame of Python threads too
};

void render(const Report& report, OutputFormat format, const RenderOptions& options, std::ostream& out);

}  // namespace gmr::report
