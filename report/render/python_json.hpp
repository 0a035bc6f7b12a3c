// The Python pieces of a gmr.report/2 object (nlohmann ADL serializers and helpers, the contract of
// report/render/report_json.hpp): a frame's and a thread's "python" objects, a Python lock wait, the
// report's "python" object and its Green Threads, and how a decoding error is written.
#pragma once

#include <optional>

#include <nlohmann/json_fwd.hpp>

#include "report/report.hpp"
#include "symbolize/python/decode_error.hpp"

namespace gmr::report {

/// {"kind": "unreadable" | "null_pointer" | … , "message"}.
nlohmann::ordered_json decode_error_json(const symbolize::python::DecodeError& error);
nlohmann::ordered_json decode_error_or_null(const std::optional<symbolize::python::DecodeError>& error);

/// A frame's "python" object (name, frame and code addresses, first line, instruction offset, placed, error).
nlohmann::ordered_json python_frame_json(const PythonFrameFacts& python);

/// A thread's "python" object (name, ident, thread state, holds_gil, frames, unplaced frames, truncated).
nlohmann::ordered_json python_thread_json(const PythonThreadFacts& python);

void to_json(nlohmann::ordered_json& out, const PythonLock& lock);
void to_json(nlohmann::ordered_json& out, const PythonInfo& python);
void to_json(nlohmann::ordered_json& out, const GreenThread& greenlet);

}  // namespace gmr::report
