// The gmr.report/2 JSON renderer on hand-made reports: golden files, the schema, nulls for unknowns,
// hex strings for addresses, section selection, failure objects, every kind's stable name, and text from the
// target that is not UTF-8.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <csignal>
#include <sstream>
#include <string>

#include "report/golden.hpp"
#include "report/render/json_renderer.hpp"
#include "report/render/render.hpp"
#include "report/sample_reports.hpp"
#include "support/json_schema.hpp"

namespace {

using gmr::report::SectionSet;
using nlohmann::json;

std::string pretty(const gmr::report::Report& report, int exit_code) {
  std::ostringstream out;
  gmr::report::render(report, gmr::report::OutputFormat::json, {SectionSet::all(), exit_code, true}, out);
  return out.str();
}

json as_json(const gmr::report::Report& report, const SectionSet& sections = SectionSet::all()) {
  std::ostringstream out;
  gmr::report::write_json(gmr::report::report_json(report, sections, report.partial() ? 1 : 0), out);
  return json::parse(out.str());
}

gmr::report::DumpError traced_error() {
  gmr::attach::AttachError error;
  error.kind = gmr::attach::AttachErrorKind::already_traced;
  error.message = "process 4242 (redis-server) is already traced by process 77 (gdb)";
  error.errno_value = 1;
  error.tracer_pid = 77;
  return gmr::report::DumpError::refused(4242, error);
}

// A report whose threads and notes between them have every kind of thread error, stop and capture note.
gmr::report::Report every_kind() {
  using gmr::report::CaptureNote;
  using gmr::report::ThreadError;
  auto report = gmr::test::samples::minimal_report();
  auto& thread = report.threads[0];
  thread.errors = {
      {.kind = ThreadError::Kind::not_frozen},
      {.kind = ThreadError::Kind::no_registers},
      {.kind = ThreadError::Kind::stack_not_captured, .address = 0x7ffc00001000},
      {.kind = ThreadError::Kind::stack_unreadable, .errno_value = ESRCH},
      {.kind = ThreadError::Kind::unwind_unavailable, .detail = "no matching address range"},
      {.kind = ThreadError::Kind::unwind_stopped, .detail = "Callback returned failure"},
      {.kind = ThreadError::Kind::unwind_no_pc, .after = ThreadError::After{2, 0x401234}, .detail = "Invalid register"},
      {.kind = ThreadError::Kind::unwind_memory_not_captured, .address = 0x7ffc00002000,
       .after = ThreadError::After{std::nullopt, 0x401000}},
  };
  thread.stop = gmr::report::Stop{gmr::report::Stop::Kind::group_stop};
  auto raced = thread;
  raced.tid = 1235;
  raced.errors.clear();
  raced.stop = gmr::report::Stop{gmr::report::Stop::Kind::signal_delivery, SIGUSR1};
  report.threads.push_back(raced);
  report.capture.notes = {
      {.kind = CaptureNote::Kind::threads_appeared, .count = 2},
      {.kind = CaptureNote::Kind::threads_vanished, .count = 1},
      {.kind = CaptureNote::Kind::threads_exited, .count = 3},
      {.kind = CaptureNote::Kind::thread_not_frozen, .tid = 1236, .timeout = std::chrono::milliseconds{500}},
      {.kind = CaptureNote::Kind::no_debug_aranges, .module = "/usr/lib/libfoo.so"},
      {.kind = CaptureNote::Kind::python_not_read, .reason = "Python 3.10 (python3.10, no Py_Version) is not supported (3.11 to 3.13 are)"},
      {.kind = CaptureNote::Kind::python_read_failed, .reason = "std::bad_alloc"},
      {.kind = CaptureNote::Kind::python_budget_spent, .count = std::size_t{64} << 20},
  };
  return report;
}

}  // namespace

TEST_SUITE("report::json") {
  TEST_CASE("a rich report renders exactly as its golden file and is valid against the schema") {
    const auto text = pretty(gmr::test::samples::rich_report(), 1);
    gmr::test::check_golden("report_rich.json", text);
    const auto check = gmr::test::check_schema(text, true);
    CHECK_MESSAGE(check.valid, check.problems);
  }

  TEST_CASE("waits, held locks, deadlocks and groups match their golden file and the schema") {
    auto report = gmr::test::samples::locks_report();
    using Name = gmr::report::ThreadGroup::Name;
    report.groups = {{{10, 11}, {Name{"lock-a", 1}, Name{"lock-b", 1}}},
                     {{12}, {Name{"joiner", 1}}},
                     {{13}, {Name{"waiter", 1}}},
                     {{14}, {Name{"reader", 1}}}};
    const auto text = pretty(report, 0);
    gmr::test::check_golden("report_locks.json", text);
    const auto check = gmr::test::check_schema(text, true);
    CHECK_MESSAGE(check.valid, check.problems);
    const json doc = json::parse(text);
    CHECK(doc["deadlocks"] == json::parse(R"([{"threads": [10, 11]}])"));
    CHECK(doc["threads"][0]["wait"]["kind"] == "mutex");
    CHECK(doc["threads"][0]["wait"]["thread"] == 11);
    CHECK(doc["threads"][0]["wait"]["address"] == "0x55d0c41b0040");
    CHECK(doc["threads"][1]["holds"][0]["recursion"] == 2);
    CHECK(doc["threads"][2]["wait"]["kind"] == "join");
    CHECK(doc["threads"][4]["wait"]["fds"] == json::parse(R"([{"fd": 7, "target": "socket:[1234]"}, {"fd": 9, "target": null}])"));
    CHECK(doc["groups"][0]["count"] == 2);
    CHECK(doc["groups"][0]["names"] == json::parse(R"([{"name": "lock-a", "count": 1}, {"name": "lock-b", "count": 1}])"));
    // A named address: the text as the text report shows it, and its parts.
    const json& to_a = doc["threads"][1]["wait"];
    CHECK(to_a["object"] == "app::registry+0x10");
    CHECK(to_a["location"] == json::parse(R"({"kind": "symbol", "symbol": "app::registry", "offset": "0x10",
                                              "tid": null, "mapping": null})"));
    CHECK(doc["threads"][0]["holds"][0]["location"]["symbol"] == "app::registry");
    CHECK(doc["threads"][2]["wait"]["object"].is_null());
    CHECK(doc["threads"][2]["wait"]["location"].is_null());
    // Without --group, groups is null; with the deadlocks section left out, there is no key.
    report.groups.clear();
    CHECK(as_json(report)["groups"].is_null());
    CHECK_FALSE(as_json(report, *SectionSet::parse({"threads"})).contains("deadlocks"));
    CHECK(as_json(report, *SectionSet::parse({"deadlocks"})).contains("deadlocks"));
  }

  TEST_CASE("the schema rejects a wait of an unknown kind and a deadlock without threads") {
    json doc = json::parse(pretty(gmr::test::samples::locks_report(), 0));
    doc["threads"][0]["wait"]["kind"] = "spinlock";
    CHECK_FALSE(gmr::test::check_schema(doc.dump()).valid);
    doc = json::parse(pretty(gmr::test::samples::locks_report(), 0));
    doc["deadlocks"][0]["threads"] = json::array();
    CHECK_FALSE(gmr::test::check_schema(doc.dump()).valid);
  }

  TEST_CASE("a report with every optional absent has nulls, matches its golden file and the schema") {
    const auto text = pretty(gmr::test::samples::minimal_report(), 1);
    gmr::test::check_golden("report_minimal.json", text);
    const auto check = gmr::test::check_schema(text, true);
    CHECK_MESSAGE(check.valid, check.problems);

    const json doc = json::parse(text);
    CHECK(doc["gmr_version"].is_null());
    CHECK(doc["target"]["cmdline"].is_null());
    CHECK(doc["processes"][0]["cmdline"].is_null());
    CHECK(doc["target"]["exe"].is_null());
    CHECK(doc["target"]["uid"].is_null());
    CHECK(doc["package"]["kernel_release"].is_null());
    CHECK(doc["package"]["debian_package"].is_null());
    const json& thread = doc["threads"][0];
    for (const char* key : {"name", "state", "state_name", "cpu_user_us", "cpu_system_us", "syscall", "wchan", "stop"})
      CHECK_MESSAGE(thread[key].is_null(), key);
    const json& frame = thread["frames"][0];
    CHECK(frame["pc"] == "0x0000000000401000");
    for (const char* key : {"function", "function_offset", "module", "module_offset", "build_id", "file", "line",
                            "column", "source"})
      CHECK_MESSAGE(frame[key].is_null(), key);
  }

  TEST_CASE("the envelope: schema id, status and exit code from the report") {
    auto report = gmr::test::samples::rich_report();
    const json partial = as_json(report);
    CHECK(partial["schema"] == "gmr.report/2");
    CHECK(partial["pid"] == 4242);
    CHECK(partial["status"] == "partial");
    CHECK(partial["error"].is_null());
    auto complete = gmr::test::samples::minimal_report();
    complete.threads[0].frozen = true;
    complete.capture.consistent = true;
    CHECK(as_json(complete)["status"] == "complete");
  }

  TEST_CASE("addresses, offsets and syscall arguments are 0x strings, durations integer microseconds") {
    const json doc = as_json(gmr::test::samples::rich_report());
    const json& main = doc["threads"][0];
    CHECK(main["cpu_user_us"] == 1'250'000);
    CHECK(main["cpu_system_us"] == 339'500);
    CHECK(main["syscall"]["name"] == "epoll_wait");
    CHECK(main["syscall"]["number"] == 232);
    CHECK(main["syscall"]["args"][1] == "0x7f3a1c2e4000");
    CHECK(main["frames"][0]["pc"] == "0x00007f3a1c91e0a6");
    CHECK(main["frames"][0]["function_offset"] == "0x56");
    CHECK(main["frames"][1]["inlined"] == true);
    CHECK(main["frames"][1]["function_offset"].is_null());
    CHECK(doc["threads"][1]["frames"][1]["module_offset"] == "0x3de10");
    CHECK(doc["capture"]["stop_window_us"] == 274);
    CHECK(doc["capture"]["captured_at"] == "2024-05-01T12:34:56.123456Z");
    CHECK(doc["target"]["exe_deleted"] == true);
    CHECK(doc["package"]["debian_package"]["version"] == "5:7.0.15-1~deb12u1");
    CHECK(doc["threads"][2]["errors"].size() == 1);
    CHECK(doc["capture"]["notes"][1]["timeout_us"] == 3'000'000);
  }

  TEST_CASE("thread errors, stops and capture notes: stable kind names, their values, and the text's words") {
    const json doc = as_json(every_kind());
    const auto check = gmr::test::check_schema(doc.dump() + "\n");
    CHECK_MESSAGE(check.valid, check.problems);
    const json& errors = doc["threads"][0]["errors"];
    std::vector<std::string> kinds;
    for (const auto& error : errors) kinds.push_back(error["kind"].get<std::string>());
    CHECK(kinds == std::vector<std::string>{"not_frozen", "no_registers", "stack_not_captured", "stack_unreadable",
                                            "unwind_unavailable", "unwind_stopped", "unwind_no_pc",
                                            "unwind_memory_not_captured"});
    CHECK(errors[0]["message"] == "not frozen: did not stop within the timeout");
    CHECK(errors[2]["address"] == "0x7ffc00001000");
    CHECK(errors[2]["message"] == "stack pointer is in no mapping: stack not copied");
    CHECK(errors[3]["errno"] == ESRCH);
    CHECK(errors[3]["message"] == "stack could not be read: No such process");
    CHECK(errors[4]["detail"] == "no matching address range");
    CHECK(errors[4]["message"] == "cannot unwind: no matching address range");
    CHECK(errors[5]["frame"].is_null());
    CHECK(errors[5]["pc"].is_null());
    CHECK(errors[5]["message"] == "unwind stopped before the first frame: Callback returned failure");
    CHECK(errors[6]["frame"] == 2);
    CHECK(errors[6]["pc"] == "0x401234");
    CHECK(errors[6]["message"] == "unwind stopped after #2 at 0x401234: no pc for the next frame: Invalid register");
    CHECK(errors[7]["frame"].is_null());
    CHECK(errors[7]["pc"] == "0x401000");
    CHECK(errors[7]["message"] ==
          "unwind stopped after the frame at 0x401000: memory at 0x7ffc00002000 was not captured (outside the copied "
          "stack)");
    for (const auto& error : errors)
      for (const char* key : {"kind", "message", "errno", "address", "frame", "pc", "detail"})
        CHECK_MESSAGE(error.contains(key), key);

    CHECK(doc["threads"][0]["stop"] == json::parse(R"j({"kind": "group_stop", "signal": null, "signal_name": null,
        "message": "group-stop (process was stopped; left stopped)"})j"));
    const json& raced = doc["threads"][1]["stop"];
    CHECK(raced["kind"] == "signal_delivery");
    CHECK(raced["signal"] == SIGUSR1);
    CHECK(raced["signal_name"] == "SIGUSR1");
    CHECK(raced["message"] == "signal SIGUSR1 raced the freeze (re-delivered)");

    const json& notes = doc["capture"]["notes"];
    REQUIRE(notes.size() == 8);
    CHECK(notes[0] == json::parse(R"({"kind": "threads_appeared", "count": 2, "tid": null, "timeout_us": null,
        "module": null, "reason": null, "message": "2 threads appeared during the freeze: their state and CPU times were read after it"})"));
    CHECK(notes[1]["message"] == "1 thread exited during the freeze and is not shown");
    CHECK(notes[2]["kind"] == "threads_exited");
    CHECK(notes[2]["message"] == "3 threads exited during the capture and are not shown");
    CHECK(notes[3]["kind"] == "thread_not_frozen");
    CHECK(notes[3]["tid"] == 1236);
    CHECK(notes[3]["timeout_us"] == 500'000);
    CHECK(notes[3]["message"] == "thread 1236 did not stop within 500 ms: not frozen");
    CHECK(notes[4]["module"] == "/usr/lib/libfoo.so");
    CHECK(notes[4]["message"] ==
          "/usr/lib/libfoo.so: no .debug_aranges for some code; its CUs were located by their address ranges");
    CHECK(notes[5]["kind"] == "python_not_read");
    CHECK(notes[5]["reason"] == "Python 3.10 (python3.10, no Py_Version) is not supported (3.11 to 3.13 are)");
    CHECK(notes[5]["message"] ==
          "Python 3.10 (python3.10, no Py_Version) is not supported (3.11 to 3.13 are): Python stacks not read");
    CHECK(notes[6]["kind"] == "python_read_failed");
    CHECK(notes[6]["message"] == "reading the Python interpreter while frozen failed: std::bad_alloc");
    CHECK(notes[7]["kind"] == "python_budget_spent");
    CHECK(notes[7]["count"] == 64 << 20);
    CHECK(notes[7]["message"] == "the 65536 KiB budget for reading the Python interpreter while frozen was spent: "
                                 "what lay beyond it was not captured");
  }

  TEST_CASE("sections not selected have no key, the envelope, target and capture stay") {
    const auto only_threads = SectionSet::parse({"threads"});
    REQUIRE(only_threads.has_value());
    const json doc = as_json(gmr::test::samples::rich_report(), *only_threads);
    CHECK(doc.contains("threads"));
    CHECK_FALSE(doc.contains("package"));
    CHECK_FALSE(doc.contains("processes"));
    CHECK(doc.contains("target"));
    CHECK(doc.contains("capture"));
  }

  TEST_CASE("a failure is an object with the error, valid against the schema") {
    std::ostringstream out;
    gmr::report::write_json(gmr::report::failure_json(traced_error(), "0.1.0", 2), out);
    const std::string line = out.str();
    CHECK(line.find('\n') == line.size() - 1);  // one line
    const json doc = json::parse(line);
    CHECK(doc["status"] == "failed");
    CHECK(doc["exit_code"] == 2);
    CHECK(doc["pid"] == 4242);
    CHECK(doc["error"]["kind"] == "already_traced");
    CHECK(doc["error"]["errno"] == 1);
    CHECK(doc["error"]["tracer_pid"] == 77);
    CHECK(doc["error"]["signal"].is_null());
    CHECK_FALSE(doc.contains("threads"));
    const auto check = gmr::test::check_schema(line);
    CHECK_MESSAGE(check.valid, check.problems);
  }

  TEST_CASE("the schema rejects what the contract forbids") {
    // The schema is a contract, not a rubber stamp: each of these must be refused.
    json good = as_json(gmr::test::samples::rich_report());
    REQUIRE(gmr::test::check_schema(good.dump() + "\n").valid);
    auto refused = [](json doc) { return !gmr::test::check_schema(doc.dump() + "\n").valid; };
    json bad = good;
    bad["threads"][0]["frames"][0]["pc"] = 140'000'000;  // a number, not a 0x string
    CHECK(refused(bad));
    bad = good;
    bad["threads"][0]["name"] = 5;
    CHECK(refused(bad));
    bad = good;
    bad["schema"] = "gmr.report/1";
    CHECK(refused(bad));
    bad = good;
    bad["threads"][2]["errors"][0]["kind"] = "stuck";  // kinds are a closed list
    CHECK(refused(bad));
    bad = good;
    bad["threads"][2]["errors"][0] = "not frozen";  // an error is an object, not a sentence
    CHECK(refused(bad));
    bad = good;
    bad["threads"][0]["surprise"] = true;  // every key is documented
    CHECK(refused(bad));
    bad = good;
    bad["capture"].erase("consistent");
    CHECK(refused(bad));
    bad = good;
    bad["exit_code"] = 0;  // a partial report exits 1
    CHECK(refused(bad));
    bad = good;
    bad["processes"][0]["cmdline"] = json::array();  // no command line is null, never []
    CHECK(refused(bad));
    bad = good;
    bad["status"] = "failed";  // a failure carries an error, not sections
    CHECK(refused(bad));
  }

  TEST_CASE("text from the target that is not UTF-8 still makes valid JSON") {
    auto report = gmr::test::samples::minimal_report();
    report.threads[0].name = std::string("bad\xff\xfe name\x1b[2J");
    std::ostringstream out;
    gmr::report::write_json(gmr::report::report_json(report, SectionSet::all(), 1), out);
    const json doc = json::parse(out.str());
    CHECK(doc["threads"][0]["name"] == "bad\xEF\xBF\xBD\xEF\xBF\xBD name\x1b[2J");
    CHECK(out.str().find("\\u001b") != std::string::npos);  // control bytes escaped, never raw
  }
}
