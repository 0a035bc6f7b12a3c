// The Guru Meditation Report as text, in the oslo.reports layout. Reads only the Report value.
#pragma once

#include <ostream>

#include "report/report.hpp"
#include "report/render/sections.hpp"

namespace gmr::report {

/// The header block, then the sections in `sections`, in their fixed order.
void render_text(const Report& report, const SectionSet& sections, std::ostream& out);
inline void render_text(const Report& report, std::ostream& out) { render_text(report, SectionSet::all(), out); }

}  // namespace gmr::report
