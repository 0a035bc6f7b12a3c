#include "report/render/json_renderer.hpp"

#include <nlohmann/json.hpp>

#include "report/render/report_json.hpp"

namespace gmr::report {

using json = nlohmann::ordered_json;

namespace {

json envelope(pid_t pid, std::string_view gmr_version, std::string_view status, int exit_code) {
  return json{
      {"schema", json_schema_id},
      {"gmr_version", gmr_version.empty() ? json(nullptr) : json(gmr_version)},
      {"pid", pid},
      {"status", status},
      {"exit_code", exit_code},
  };
}

}  // namespace

json report_json(const Report& report, const SectionSet& sections, int exit_code) {
  json out = envelope(report.capture.pid, report.gmr_version, report.partial() ? "partial" : "complete", exit_code);
  out["error"] = nullptr;
  out["target"] = target_json(report);
  out["capture"] = report.capture;
  out["secrets_shown"] = report.secrets_shown;
  out["python"] = report.python ? json(*report.python) : json(nullptr);
  if (sections.wanted(Section::package)) out["package"] = report.package;
  if (sections.wanted(Section::threads)) {
    out["threads"] = report.threads;
    out["groups"] = groups_json(report);
  }
  if (sections.wanted(Section::green_threads))
    out["green_threads"] = report.python ? json(report.python->green_threads) : json::array();
  if (sections.wanted(Section::deadlocks)) out["deadlocks"] = report.deadlocks;
  if (sections.wanted(Section::processes)) out["processes"] = report.processes;
  if (sections.wanted(Section::configuration)) out["configuration"] = report.configuration;
  if (sections.wanted(Section::custom)) out["custom_sections"] = report.custom_sections;
  return out;
}

json failure_json(const DumpError& error, std::string_view gmr_version, int exit_code) {
  json out = envelope(error.pid, gmr_version, "failed", exit_code);
  out["error"] = error;
  return out;
}

void write_json(const json& document, std::ostream& out, bool pretty) {
  out << document.dump(pretty ? 2 : -1, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace gmr::report
