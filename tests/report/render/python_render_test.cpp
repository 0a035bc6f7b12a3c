// A Python dump rendered: the text layout (golden files for the default view and --native), the default
// view's choice of frames, JSON (golden, schema, kinds and Python fields), folded output and --group with
// Python frames. The report is hand-made after a real dump of a Python 3.11 service.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "report/build/grouping.hpp"
#include "report/golden.hpp"
#include "report/render/folded_renderer.hpp"
#include "report/render/format.hpp"
#include "report/render/frame_view.hpp"
#include "report/render/render.hpp"
#include "report/render/text_renderer.hpp"
#include "report/sample_reports.hpp"
#include "support/json_schema.hpp"

namespace {

using gmr::report::SectionSet;
using nlohmann::json;
namespace samples = gmr::test::samples;

std::string text(const gmr::report::Report& report, bool native = false) {
  std::ostringstream out;
  gmr::report::render_text(report, SectionSet::all(), out, native);
  return out.str();
}

std::string pretty_json(const gmr::report::Report& report) {
  std::ostringstream out;
  gmr::report::render(report, gmr::report::OutputFormat::json, {SectionSet::all(), 0, true}, out);
  return out.str();
}

std::string folded(const gmr::report::Report& report, bool native = false) {
  std::ostringstream out;
  gmr::report::render_folded(report, out, native);
  return out.str();
}

std::vector<int> shown_indices(const gmr::report::Thread& thread, bool all) {
  std::vector<int> out;
  for (const auto* frame : gmr::report::frame_view(thread, all).shown) out.push_back(frame->index);
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_SUITE("report::python_render") {
  TEST_CASE("the text of a Python dump matches its golden files, by default and with --native") {
    gmr::test::check_golden("report_python.txt", text(samples::python_report()));
    gmr::test::check_golden("report_python_native.txt", text(samples::python_report(), true));
  }

  TEST_CASE("default view: Python frames, the C call above them, C code between runs, no plumbing, no start-up") {
    const auto report = samples::python_report();
    // main: read, _Py_read, os_read shown; two call helpers hidden; 3 Python frames; eval loop, start-up hidden.
    CHECK(shown_indices(report.threads[0], false) == std::vector<int>{0, 1, 2, 5, 6, 7});
    CHECK(gmr::report::frame_view(report.threads[0], false).hidden == 7);
    // worker: builtin_sum_impl between the generator's run and its caller's stays.
    CHECK(shown_indices(report.threads[1], false) == std::vector<int>{0, 3, 5, 6, 7});
    // poller: a frame not placed is shown first; the native frames keep their place.
    CHECK(shown_indices(report.threads[2], false) == std::vector<int>{0, 1, 2, 4});
    // A thread without Python frames shows every frame.
    CHECK(shown_indices(report.threads[3], false) == std::vector<int>{0, 1});
    for (const auto& thread : report.threads) {
      std::vector<int> all;
      for (const auto& frame : thread.frames) all.push_back(frame.index);
      CHECK(shown_indices(thread, true) == all);
    }
  }

  TEST_CASE("text: oslo.reports lines for Python frames, Python's thread name, the GIL holder") {
    const std::string out = text(samples::python_report());
    CHECK(contains(out, "\n#5  /srv/app/server.py:186 in Server.serve\n    `chunk = os.read(0, 4096)`\n"));
    CHECK(contains(out, "Thread 5001 \"worker-1\" (comm \"python3.11\")"));
    CHECK(contains(out, "Thread 5003 \"jemalloc_bg_thd\""));
    CHECK(contains(out, "python       = CPython 3.11.2 (/usr/bin/python3.11), GIL held by thread 5001 \"worker-1\"\n"));
    CHECK(contains(out, "python       = ident 0x7f3a1b5ff6c0, holds the GIL\n"));
    CHECK(contains(out, "python       = 1 frame whose eval loop was not found among the native frames: shown first\n"));
    CHECK(contains(out, "(7 native frames not shown: the interpreter's plumbing and the thread's start-up; --native shows every "
                        "frame)\n"));
    CHECK_FALSE(contains(out, "cfunction_vectorcall_FASTCALL"));
    CHECK(contains(text(samples::python_report(), true), "cfunction_vectorcall_FASTCALL"));
  }

  TEST_CASE("JSON: kind and Python fields per frame, the thread's Python side, report-level Python, schema valid") {
    const std::string out = pretty_json(samples::python_report());
    gmr::test::check_golden("report_python.json", out);
    const auto check = gmr::test::check_schema(out, true);
    CHECK_MESSAGE(check.valid, check.problems);
    const json doc = json::parse(out);
    CHECK(doc["python"]["version"] == "3.11.2");
    CHECK(doc["python"]["hexversion"] == 0x030b02f0);
    CHECK(doc["python"]["gil_holder"] == 5001);
    const json& worker = doc["threads"][1];
    CHECK(worker["name"] == "python3.11");
    CHECK(worker["python"]["name"] == "worker-1");
    CHECK(worker["python"]["holds_gil"] == true);
    CHECK(worker["frames"].size() == 12);  // every frame, plumbing included
    CHECK(worker["frames"][0]["kind"] == "python");
    CHECK(worker["frames"][0]["function"] == "<genexpr>");
    CHECK(worker["frames"][0]["python"]["name"] == "<genexpr>");
    CHECK(worker["frames"][0]["python"]["placed"] == true);
    CHECK(worker["frames"][1]["kind"] == "native");
    CHECK(worker["frames"][1]["interpreter_plumbing"] == true);
    CHECK(worker["frames"][1]["python"].is_null());
    CHECK(doc["threads"][2]["frames"][0]["python"]["placed"] == false);
    CHECK(doc["threads"][3]["python"].is_null());

    // The schema knows the new keys: a frame of another kind, or a Python frame without its facts, is refused.
    json bad = doc;
    bad["threads"][1]["frames"][0]["kind"] = "java";
    CHECK_FALSE(gmr::test::check_schema(bad.dump() + "\n").valid);
    bad = doc;
    bad["threads"][1]["frames"][0]["python"] = nullptr;
    CHECK_FALSE(gmr::test::check_schema(bad.dump() + "\n").valid);
    bad = doc;
    bad["threads"][1]["frames"][1]["python"] = doc["threads"][1]["frames"][0]["python"];
    CHECK_FALSE(gmr::test::check_schema(bad.dump() + "\n").valid);
  }

  TEST_CASE("a report without Python has \"python\": null and frames of kind native") {
    const json doc = json::parse(pretty_json(samples::rich_report()));
    CHECK(doc["python"].is_null());
    for (const auto& thread : doc["threads"])
      for (const auto& frame : thread["frames"]) {
        CHECK(frame["kind"] == "native");
        CHECK(frame["python"].is_null());
      }
  }

  TEST_CASE("folded: Python frames as py-spy spells them, the default view unless --native") {
    const std::string out = folded(samples::python_report());
    CHECK(contains(out, "python3.11;<module> (/srv/app/service.py:12);Server.run (/srv/app/server.py:175);"
                        "Server.serve (/srv/app/server.py:186);os_read;_Py_read;__GI___libc_read 1\n"));
    CHECK(contains(out, "Worker.run (/srv/app/work.py:40);squares (/srv/app/work.py:21);builtin_sum_impl;"
                        "<genexpr> (/srv/app/work.py:21) 1\n"));
    CHECK_FALSE(contains(out, "_PyEval_EvalFrameDefault"));
    const std::string all = folded(samples::python_report(), true);
    CHECK(contains(all, "python3.11;_start;__libc_start_call_main;Py_BytesMain;PyEval_EvalCode;"
                        "_PyEval_EvalFrameDefault;<module> (/srv/app/service.py:12);"));
  }

  TEST_CASE("--group: identical native frames with different Python frames are different stacks, named by Python") {
    auto report = samples::python_report();
    auto twin = report.threads[1];
    twin.tid = 5010;
    twin.python->name = "worker-2";
    auto other = report.threads[1];
    other.tid = 5011;
    other.python->name = "worker-3";
    other.frames[6].line = 41;  // same pcs, another line of Worker.run
    other.frames[6].pc += 2;
    report.threads.push_back(twin);
    report.threads.push_back(other);
    const auto groups = gmr::report::group_threads(report.threads);
    REQUIRE(groups.size() == 5);
    CHECK(groups[0].tids == std::vector<pid_t>{5001, 5010});
    using Name = gmr::report::ThreadGroup::Name;
    CHECK(groups[0].names == std::vector<Name>{{"worker-1", 1}, {"worker-2", 1}});
  }

  TEST_CASE("Green Threads: oslo.reports' section with every greenlet, its type, thread, state and frames") {
    const auto report = samples::green_threads_report();
    const std::string out = text(report);
    gmr::test::check_golden("report_green_threads.txt", out);
    CHECK(contains(out, "====                         Green Threads                          ====\n"));
    CHECK(contains(out, "greenlets    = 4 live, found among 26412 GC-tracked objects\n"));
    CHECK(contains(out, "type         = GreenThread\nthread       = thread 5000 \"MainThread\"\nstate        = suspended\n"));
    CHECK(contains(out, "state        = running: these are thread 5000's Python frames\n"));
    CHECK(contains(out, "thread       = unknown\n"));
    // Only with the section asked for, and after Threads.
    CHECK(out.find(" Green Threads ") > out.find(" Threads "));
    std::ostringstream none;
    gmr::report::render_text(report, *SectionSet::parse({"threads"}), none, false);
    CHECK_FALSE(contains(none.str(), "Green Threads"));
    // A plain Python program (no greenlet module): no section.
    CHECK_FALSE(contains(text(samples::python_report()), "Green Threads"));

    const std::string doc_text = pretty_json(report);
    gmr::test::check_golden("report_green_threads.json", doc_text);
    const auto check = gmr::test::check_schema(doc_text, true);
    CHECK_MESSAGE(check.valid, check.problems);
    const json doc = json::parse(doc_text);
    REQUIRE(doc.at("green_threads").size() == 4);
    CHECK(doc.at("green_threads")[1].at("id") == "0x7f3a1b2c1a80");
    CHECK(doc.at("green_threads")[1].at("type") == "GreenThread");
    CHECK(doc.at("green_threads")[1].at("frames")[2].at("function") == "Worker.loop");
    CHECK(doc.at("green_threads")[3].at("tid").is_null());
    CHECK(doc.at("green_threads")[3].at("truncated").at("kind") == "unreadable");
    CHECK(doc.at("python").at("green_threads").at("listed") == true);
    CHECK(doc.at("python").at("green_threads").at("gc_objects") == 26412);
  }

  TEST_CASE("Green Threads not read: the section says why, JSON gives the reason") {
    using Why = gmr::symbolize::python::GreenThreadsAbsent;
    auto report = samples::green_threads_report();
    report.python->green_threads.clear();
    report.python->gc_objects_walked = 0;
    report.python->green_threads_absent = Why::not_asked;
    CHECK(contains(text(report), "\nnot read: --no-green-threads (the GC-tracked objects were not walked)\n"));
    report.python->green_threads_absent = Why::collecting;
    CHECK(contains(text(report), "not read: a garbage collection was running at the frozen instant"));
    report.python->green_threads_absent = Why::unreadable;
    report.python->green_threads_error = gmr::symbolize::python::DecodeError{
        gmr::symbolize::python::DecodeFailure::corrupt, "GC generation 2: the node at 0x55 does not point back"};
    CHECK(contains(text(report), "\nnot read: GC generation 2: the node at 0x55 does not point back\n"));
    const std::string doc_text = pretty_json(report);
    const auto check = gmr::test::check_schema(doc_text, true);
    CHECK_MESSAGE(check.valid, check.problems);
    const json doc = json::parse(doc_text);
    CHECK(doc.at("green_threads").empty());
    CHECK(doc.at("python").at("green_threads").at("listed") == false);
    CHECK(doc.at("python").at("green_threads").at("partial") == false);
    CHECK(doc.at("python").at("green_threads").at("absent") == "unreadable");
    CHECK(doc.at("python").at("green_threads").at("error").at("kind") == "corrupt");
  }

  TEST_CASE("Green Threads at the search's bound: the greenlets found before it, as a partial list") {
    using Why = gmr::symbolize::python::GreenThreadsAbsent;
    auto report = samples::green_threads_report();
    report.python->green_threads.resize(2);
    report.python->gc_objects_walked = 2000000;
    report.python->green_threads_absent = Why::budget;
    report.python->green_threads_error = gmr::symbolize::python::DecodeError{
        gmr::symbolize::python::DecodeFailure::too_many, "the GC lists hold more than 2000000 tracked objects: walk stopped"};
    const std::string out = text(report);
    CHECK(contains(out, "\ngreenlets    = 2 live, found among the first 2000000 GC-tracked objects (a partial list: the "
                        "search hit its bound: the GC lists hold more than 2000000 tracked objects: walk stopped)\n"));
    CHECK(contains(out, "Green Thread " + gmr::report::format_hex(report.python->green_threads[0].address)));
    CHECK(contains(out, "Green Thread " + gmr::report::format_hex(report.python->green_threads[1].address)));
    const std::string doc_text = pretty_json(report);
    const auto check = gmr::test::check_schema(doc_text, true);
    CHECK_MESSAGE(check.valid, check.problems);
    const json doc = json::parse(doc_text);
    CHECK(doc.at("green_threads").size() == 2);
    CHECK(doc.at("python").at("green_threads").at("listed") == false);
    CHECK(doc.at("python").at("green_threads").at("partial") == true);
    CHECK(doc.at("python").at("green_threads").at("absent") == "budget");
    CHECK(doc.at("python").at("green_threads").at("error").at("kind") == "too_many");
  }
}
