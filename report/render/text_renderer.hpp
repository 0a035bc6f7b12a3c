// The Guru Meditation Report as text, in the oslo.reports layout. Reads only the Report value.
#pragma once

#include <ostream>

#include "report/report.hpp"
#include "report/render/sections.hpp"

namespace gmr::report {

/// The header block, then the sections in `sections`, in their fixed order. Threads with Python frames
/// show the default frame view unless `native_frames` (--native): report/render/frame_view.hpp.
void render_text(const Report& report, const SectionSet& sections, std::ostream& out, bool native_frames = false);
inline void render_text(const Report& report, std::ostream& out) { render_text(report, SectionSet::all(), out); }

}  // namespace gmr::report
