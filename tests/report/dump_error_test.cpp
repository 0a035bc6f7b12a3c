// DumpError: attach/'s refusal carried into the report once, with its kind and facts; gmr's own failures
// after the snapshot; every kind under its stable JSON name, valid against the schema.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <sstream>
#include <utility>
#include <vector>

#include "report/dump_error.hpp"
#include "report/render/json_renderer.hpp"
#include "support/json_schema.hpp"

namespace {

using namespace gmr;
using Kind = report::DumpError::Kind;

nlohmann::json failure(const report::DumpError& error) {
  std::ostringstream out;
  report::write_json(report::failure_json(error, "0.1.0", 2), out);
  const auto check = test::check_schema(out.str());
  CHECK_MESSAGE(check.valid, check.problems);
  return nlohmann::json::parse(out.str());
}

}  // namespace

TEST_SUITE("report::dump_error") {
  TEST_CASE("attach's refusal keeps its kind, message and facts") {
    attach::AttachError traced;
    traced.kind = attach::AttachErrorKind::already_traced;
    traced.message = "process 7 is already traced by process 9 (gdb)";
    traced.errno_value = EPERM;
    traced.tracer_pid = 9;
    const auto error = report::DumpError::refused(7, traced);
    CHECK(error.pid == 7);
    CHECK(error.kind == Kind::already_traced);
    CHECK(error.message == traced.message);
    CHECK(error.errno_value == std::optional<int>(EPERM));
    CHECK(error.tracer_pid == std::optional<pid_t>(9));
    CHECK_FALSE(error.process_pid.has_value());

    attach::AttachError interrupted;
    interrupted.kind = attach::AttachErrorKind::interrupted;
    interrupted.signal = SIGINT;
    CHECK(report::DumpError::refused(7, interrupted).signal == std::optional<int>(SIGINT));
    attach::AttachError thread;
    thread.kind = attach::AttachErrorKind::not_a_process;
    thread.process_pid = 5;
    CHECK(report::DumpError::refused(7, thread).process_pid == std::optional<pid_t>(5));
  }

  TEST_CASE("every kind, attach's and gmr's own, has its stable JSON name") {
    using A = attach::AttachErrorKind;
    const std::vector<std::pair<A, const char*>> refusals = {
        {A::no_such_process, "no_such_process"}, {A::permission_denied, "permission_denied"},
        {A::already_traced, "already_traced"},   {A::zombie, "zombie"},
        {A::kernel_thread, "kernel_thread"},     {A::self, "self"},
        {A::not_a_process, "not_a_process"},     {A::interrupted, "interrupted"},
        {A::system, "system"},
    };
    for (const auto& [kind, name] : refusals) {
      attach::AttachError error;
      error.kind = kind;
      error.message = std::string("refused: ") + name;
      CHECK(failure(report::DumpError::refused(3, error))["error"]["kind"] == name);
    }
    const auto output = failure(report::DumpError::output_failed(3, "cannot write the report", ENOSPC));
    CHECK(output["error"]["kind"] == "output");
    CHECK(output["error"]["errno"] == ENOSPC);
    CHECK(failure(report::DumpError::internal_error(3, "internal error"))["error"]["kind"] == "internal");
  }
}
