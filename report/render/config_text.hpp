// Text rendering of the Configuration section and the custom sections (oslo.reports' "group:" then
// "  key = value" look). Part of the text renderer.
#pragma once

#include <ostream>

#include "report/report.hpp"

namespace gmr::report {

void render_configuration(const Report& report, std::ostream& out);
void render_custom_sections(const Report& report, std::ostream& out);

}  // namespace gmr::report
