// The Guru Meditation Report as text, in the oslo.reports layout. Reads only the Report value.
#pragma once

#include <ostream>

#include "report/report.hpp"

namespace gmr::report {

void render_text(const Report& report, std::ostream& out);

}  // namespace gmr::report
