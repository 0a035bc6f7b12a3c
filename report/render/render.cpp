#include "report/render/render.hpp"

#include <nlohmann/json.hpp>

#include "report/render/folded_renderer.hpp"
#include "report/render/json_renderer.hpp"
#include "report/render/text_renderer.hpp"

namespace gmr::report {

void render(const Report& report, OutputFormat format, const RenderOptions& options, std::ostream& out) {
  switch (format) {
    case OutputFormat::text: render_text(report, options.sections, out, options.native_frames); return;
    case OutputFormat::json:
      write_report_json(report, options.sections, options.exit_code, out, options.pretty_json);
      return;
    case OutputFormat::folded: render_folded(report, out, options.native_frames); return;  // stacks only: --sections does not apply
  }
}

}  // namespace gmr::report
