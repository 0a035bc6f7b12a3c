#include "report/render/json_renderer.hpp"

#include <nlohmann/json.hpp>

#include "report/render/json_stream.hpp"
#include "report/render/report_json.hpp"
#include "report/thread_index.hpp"

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

/// The members of a report object, in order, handed to `sink` one by one (`member` for a value, `array`
/// for an array whose items are built one at a time): the document builder and the stream share the list.
template <typename Sink>
void report_members(const Report& report, const SectionSet& sections, int exit_code, Sink& sink) {
  const json head =
      envelope(report.capture.pid, report.gmr_version, report.partial() ? "partial" : "complete", exit_code);
  for (const auto& [key, value] : head.items()) sink.member(key, value);
  sink.member("error", nullptr);
  sink.member("target", target_json(report));
  sink.member("capture", report.capture);
  sink.member("secrets_shown", report.secrets_shown);
  sink.member("python", report.python ? json(*report.python) : json(nullptr));
  if (sections.wanted(Section::package)) sink.member("package", report.package);
  if (sections.wanted(Section::threads)) {
    sink.array("threads", report.threads.size(), [&](std::size_t i) { return json(report.threads[i]); });
    if (report.groups.empty()) {
      sink.member("groups", nullptr);
    } else {
      const ThreadIndex threads(report.threads);
      sink.array("groups", report.groups.size(), [&](std::size_t i) { return group_json(report.groups[i], threads); });
    }
  }
  if (sections.wanted(Section::green_threads))
    sink.member("green_threads", report.python ? json(report.python->green_threads) : json::array());
  if (sections.wanted(Section::deadlocks)) sink.member("deadlocks", report.deadlocks);
  if (sections.wanted(Section::processes)) sink.member("processes", report.processes);
  if (sections.wanted(Section::configuration)) sink.member("configuration", report.configuration);
  if (sections.wanted(Section::custom)) sink.member("custom_sections", report.custom_sections);
}

/// Builds the whole object.
struct DocumentSink {
  json document = json::object();

  void member(std::string_view key, json value) { document[std::string{key}] = std::move(value); }

  template <typename Item>
  void array(std::string_view key, std::size_t size, Item&& item) {
    json items = json::array();
    for (std::size_t i = 0; i < size; ++i) items.push_back(item(i));
    document[std::string{key}] = std::move(items);
  }
};

}  // namespace

json report_json(const Report& report, const SectionSet& sections, int exit_code) {
  DocumentSink sink;
  report_members(report, sections, exit_code, sink);
  return std::move(sink.document);
}

void write_report_json(const Report& report, const SectionSet& sections, int exit_code, std::ostream& out,
                       bool pretty) {
  JsonStream stream(out, pretty);
  report_members(report, sections, exit_code, stream);
  stream.close();
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
