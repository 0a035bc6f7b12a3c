#include "report/render/python_json.hpp"

#include <nlohmann/json.hpp>

#include "report/render/format.hpp"
#include "report/render/json_values.hpp"
#include "report/render/report_json.hpp"  // to_json of Frame
#include "report/render/wording.hpp"

namespace gmr::report {
namespace {

using json = nlohmann::ordered_json;

std::string_view kind_name(symbolize::python::DecodeFailure failure) {
  using F = symbolize::python::DecodeFailure;
  switch (failure) {
    case F::unreadable: return "unreadable";
    case F::null_pointer: return "null_pointer";
    case F::wrong_type: return "wrong_type";
    case F::too_long: return "too_long";
    case F::out_of_range: return "out_of_range";
    case F::cycle: return "cycle";
    case F::too_many: return "too_many";
    case F::corrupt: return "corrupt";
    case F::unsupported: return "unsupported";
  }
  return "corrupt";
}

}  // namespace

json decode_error_json(const symbolize::python::DecodeError& error) {
  return json{{"kind", kind_name(error.failure)}, {"message", error.message}};
}

json decode_error_or_null(const std::optional<symbolize::python::DecodeError>& error) {
  return error ? decode_error_json(*error) : json(nullptr);
}

json python_frame_json(const PythonFrameFacts& python) {
  return json{
      {"name", python.name.empty() ? json(nullptr) : json(python.name)},
      {"frame_address", format_hex(python.frame_address)},
      {"code_address", hex_or_null(python.code_address)},
      {"first_line", or_null(python.first_line)},
      {"instruction_offset", or_null(python.instruction_offset)},
      {"placed", python.placed},
      {"error", decode_error_or_null(python.error)},
  };
}

json python_thread_json(const PythonThreadFacts& python) {
  return json{
      {"name", or_null(python.name)},
      {"ident", format_hex(python.thread_id)},
      {"thread_state", format_hex(python.thread_state)},
      {"holds_gil", python.holds_gil},
      {"frames", python.frames},
      {"unplaced_frames", python.unplaced_frames},
      {"truncated", decode_error_or_null(python.truncated)},
  };
}

void to_json(json& out, const PythonLock& lock) {
  out = json{
      {"kind", lock.kind == PythonLock::Kind::rlock ? "rlock" : "lock"},
      {"address", format_hex(lock.address)},
      {"type", lock.type},
      {"owner", or_null(lock.owner)},
      {"owner_ident", hex_or_null(lock.owner_ident)},
      {"count", or_null(lock.count)},
      {"frame", or_null(lock.frame)},
      {"function", lock.function},
      {"file", lock.file},
      {"line", or_null(lock.line)},
  };
}

void to_json(json& out, const PythonInfo& python) {
  json errors = json::array();
  for (const auto& error : python.errors) errors.push_back(decode_error_json(error));
  out = json{
      {"version", python.version ? json(python_version_text(*python.version)) : json(nullptr)},
      {"hexversion", or_null(python.version)},
      {"module", python.module && !python.module->empty() ? json(*python.module) : json(nullptr)},
      {"layout", or_null(python.layout)},
      {"gil_holder", or_null(python.gil_holder)},
      {"threads_without_tid", python.threads_without_tid},
      {"errors", std::move(errors)},
      {"green_threads",
       json{{"listed", !python.green_threads_absent.has_value()},
            {"partial", python.green_threads_absent == symbolize::python::GreenThreadsAbsent::budget},
            {"absent", python.green_threads_absent ? json(green_threads_absent_name(*python.green_threads_absent))
                                                   : json(nullptr)},
            {"message", python.green_threads_absent
                            ? json(green_threads_absent_text(*python.green_threads_absent, python.green_threads_error))
                            : json(nullptr)},
            {"error", decode_error_or_null(python.green_threads_error)},
            {"gc_objects", python.gc_objects_walked}}},
  };
}

void to_json(json& out, const GreenThread& greenlet) {
  out = json{
      {"id", format_hex(greenlet.address)},
      {"type", greenlet.type_name},
      {"tid", or_null(greenlet.tid)},
      {"running", greenlet.running},
      {"main", greenlet.main},
      {"frames", greenlet.frames},
      {"frames_truncated", greenlet.frames_truncated},
      {"truncated", decode_error_or_null(greenlet.truncated)},
  };
}

}  // namespace gmr::report
