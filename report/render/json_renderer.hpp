// The gmr.report/2 JSON object of one pid: a report, or the error that prevented one. Reads only the
// Report value, like the text renderer. Schema: report/render/gmr-report.schema.json, installed as
// $datadir/gmr/gmr-report.schema.json; gmr(1) OUTPUT documents every field.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <ostream>
#include <string_view>

#include "report/dump_error.hpp"
#include "report/report.hpp"
#include "report/render/sections.hpp"

namespace gmr::report {

/// The value of the "schema" key. Bumped only for incompatible changes; new keys keep the version.
inline constexpr std::string_view json_schema_id = "gmr.report/2";

/// A report: envelope (schema, gmr_version, pid, status, exit_code, error: null), target, capture,
/// secrets_shown, then the selected sections; a section not selected has no key at all.
nlohmann::ordered_json report_json(const Report& report, const SectionSet& sections, int exit_code);

/// The same object as report_json, written to `out` as write_json would write it, built one member at a
/// time and each thread and group on its own (report/render/json_stream.hpp): what a report needs at
/// once is one thread's JSON, not the whole document's.
void write_report_json(const Report& report, const SectionSet& sections, int exit_code, std::ostream& out,
                       bool pretty = false);

/// No report: envelope with status "failed" and the error object.
nlohmann::ordered_json failure_json(const DumpError& error, std::string_view gmr_version, int exit_code);

/// `document` on one line followed by '\n' (JSON Lines), or indented by 2 when `pretty`. Text from the
/// target that is not valid UTF-8 is written with U+FFFD in place of the bad bytes.
void write_json(const nlohmann::ordered_json& document, std::ostream& out, bool pretty = false);

}  // namespace gmr::report
