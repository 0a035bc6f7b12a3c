// `gmr dump --json` through the real binary on real fixtures: every line validated against the schema,
// the facts checked against the fixture (threads, functions, lines), and the narrowing options.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "cli/exit_codes.hpp"
#include "support/json_schema.hpp"
#include "support/process.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;
using nlohmann::json;

// Runs gmr, checks the exit code, and that stdout is JSON Lines valid against the schema; returns the lines.
std::vector<json> dump_json(const std::vector<std::string>& args, int exit_code) {
  const RunResult result = run_gmr(args);
  INFO("stderr: ", result.err);
  CHECK(result.exit_code == exit_code);
  const SchemaCheck check = check_schema(result.out);
  CHECK_MESSAGE(check.valid, check.problems, "\noutput: ", result.out.substr(0, 2000));
  for (const auto& line : lines_of(result.out)) CHECK(line.find('\n') == std::string::npos);
  CHECK((result.out.empty() || result.out.back() == '\n'));
  return parse_json_lines(result.out);
}

const json* thread_named(const json& report, const std::string& name) {
  for (const auto& thread : report["threads"])
    if (thread["name"] == name) return &thread;
  return nullptr;
}

bool has_function(const json& thread, const std::string& function) {
  return std::ranges::any_of(thread["frames"], [&](const json& f) { return f["function"] == function; });
}

std::string pid_text(const Fixture& fixture) { return std::to_string(fixture.pid()); }

}  // namespace

TEST_SUITE("e2e::json") {

TEST_CASE("a C fixture as JSON: valid, complete, every thread with its fixture frames and lines") {
  Fixture fixture("fixture_threads_c");
  const auto lines = dump_json({"dump", "--json", pid_text(fixture)}, cli::exit_complete);
  REQUIRE(lines.size() == 1);
  const json& doc = lines[0];
  CHECK(doc["schema"] == "gmr.report/2");
  CHECK(doc["status"] == "complete");
  CHECK(doc["exit_code"] == 0);
  CHECK(doc["pid"] == fixture.pid());
  CHECK(doc["target"]["pid"] == fixture.pid());
  CHECK(doc["target"]["exe"] == fixture.path());
  CHECK(doc["target"]["uid"] == getuid());
  CHECK(doc["target"]["name"] == "fixture_threads");
  CHECK(doc["target"]["cmdline"][0] == fixture.path());
  CHECK(doc["capture"]["consistent"] == true);
  CHECK(doc["capture"]["threads_found"] == fixture.ready_threads());
  CHECK(doc["capture"]["threads_frozen"] == fixture.ready_threads());
  CHECK(doc["capture"]["thread_filter"].is_null());
  CHECK(doc["threads"].size() == static_cast<std::size_t>(fixture.ready_threads()));
  CHECK(doc["processes"][0]["pid"] == fixture.pid());
  CHECK(doc["package"]["executable"] == fixture.path());

  const json* mutex = thread_named(doc, "c-mutex");
  REQUIRE(mutex != nullptr);
  CHECK((*mutex)["frozen"] == true);
  CHECK((*mutex)["state"] == "S");
  CHECK((*mutex)["errors"].empty());
  const auto source = fixture_source("threads_c.c");
  const int line = source_line(source, "c_mutex_inner");
  bool found = false;
  for (const auto& frame : (*mutex)["frames"])
    if (frame["function"] == "c_mutex_inner") {
      found = true;
      CHECK(frame["line"] == line);
      CHECK(frame["file"].get<std::string>().ends_with("threads_c.c"));
      CHECK(frame["module"] == fixture.path());
      CHECK(frame["source"] == "pthread_mutex_lock(&held_mutex); /* @line:c_mutex_inner */");
      CHECK(frame["pc"].get<std::string>().starts_with("0x"));
    }
  CHECK_MESSAGE(found, (*mutex)["frames"].dump(2));
  CHECK(has_function(*mutex, "c_mutex_outer"));
  CHECK(has_function(*mutex, "c_mutex_entry"));
}

TEST_CASE("a C++ fixture as JSON: valid, demangled names, an inlined frame") {
  Fixture fixture("fixture_threads_cpp");
  const auto lines = dump_json({"dump", "--json", pid_text(fixture)}, cli::exit_complete);
  REQUIRE(lines.size() == 1);
  const json* pool = thread_named(lines[0], "cpp-pool-0");
  REQUIRE(pool != nullptr);
  CHECK(has_function(*pool, "lab::pool::Worker::block_on_queue()"));
  bool inlined = false;
  for (const auto& frame : (*pool)["frames"])
    if (frame["inlined"] == true && frame["function"] == "lab::pool::Worker::wait_for_job()") {
      inlined = true;
      CHECK(frame["function_offset"].is_null());
    }
  CHECK_MESSAGE(inlined, (*pool)["frames"].dump(2));
}

TEST_CASE("several pids: JSON Lines in order, a failure as an object, the worst exit code") {
  Fixture c("fixture_threads_c");
  Fixture cpp("fixture_threads_cpp");
  const RunResult gone = run_command({"sh", "-c", "echo $$"});
  const std::string missing = lines_of(gone.out).at(0);
  REQUIRE(!process_state(std::stoi(missing)).has_value());

  const RunResult result = run_gmr({"dump", "--json", pid_text(c), missing, pid_text(cpp)});
  CHECK(result.exit_code == cli::exit_no_such_process);
  CHECK(result.err == "gmr: no process with pid " + missing + "\n");
  const SchemaCheck check = check_schema(result.out);
  CHECK_MESSAGE(check.valid, check.problems);
  CHECK(check.objects == 3);
  const auto lines = parse_json_lines(result.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]["pid"] == c.pid());
  CHECK(lines[0]["status"] == "complete");
  CHECK(lines[1]["pid"] == std::stoi(missing));
  CHECK(lines[1]["status"] == "failed");
  CHECK(lines[1]["exit_code"] == cli::exit_no_such_process);
  CHECK(lines[1]["error"]["kind"] == "no_such_process");
  CHECK(lines[2]["pid"] == cpp.pid());
  CHECK(lines[2]["status"] == "complete");
  CHECK(thread_named(lines[2], "cpp-pool-1") != nullptr);
}

TEST_CASE("--threads: only the threads asked for, the filter recorded, ids from several processes") {
  Fixture c("fixture_threads_c");
  Fixture cpp("fixture_threads_cpp");
  const auto c_tids = thread_ids(c.pid());
  const auto cpp_tids = thread_ids(cpp.pid());
  const std::string wanted = std::to_string(c_tids[1]) + "," + std::to_string(c_tids[2]);
  const auto lines = dump_json({"dump", "--json", "--threads", wanted, "--threads", std::to_string(cpp_tids[3]),
                                pid_text(c), pid_text(cpp)},
                               cli::exit_complete);
  REQUIRE(lines.size() == 2);
  std::set<pid_t> shown;
  for (const auto& thread : lines[0]["threads"]) shown.insert(thread["tid"].get<pid_t>());
  CHECK(shown == std::set<pid_t>{c_tids[1], c_tids[2]});
  REQUIRE(lines[1]["threads"].size() == 1);
  CHECK(lines[1]["threads"][0]["tid"] == cpp_tids[3]);
  CHECK(lines[0]["capture"]["thread_filter"] == json::array({c_tids[1], c_tids[2], cpp_tids[3]}));
  // The whole process was still frozen.
  CHECK(lines[0]["capture"]["threads_frozen"] == c_tids.size());

  // A thread id in neither process: named on stderr, the exit code says partial.
  const RunResult stray = run_gmr({"dump", "--threads", std::to_string(c_tids[1]) + ",4194303", pid_text(c)});
  CHECK(stray.exit_code == cli::exit_partial);
  CHECK(stray.err == "gmr: --threads: thread 4194303 not found in process " + pid_text(c) + "\n");
  CHECK(stray.out.find("shown        = " + std::to_string(c_tids[1]) + " (--threads)\n") != std::string::npos);
}

TEST_CASE("--max-frames N caps every thread at N frames and marks the cut, without making it partial") {
  Fixture fixture("fixture_threads_cpp");
  const auto lines = dump_json({"dump", "--json", "--max-frames", "2", pid_text(fixture)}, cli::exit_complete);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["status"] == "complete");
  for (const auto& thread : lines[0]["threads"]) {
    CHECK(thread["frames"].size() == 2);  // every fixture thread is deeper than 2
    CHECK(thread["frames_truncated"] == true);
    CHECK(thread["errors"].empty());
  }
}

TEST_CASE("--no-source: no source text, files and lines stay") {
  Fixture fixture("fixture_threads_c");
  const auto with = dump_json({"dump", "--json", pid_text(fixture)}, cli::exit_complete);
  const auto without = dump_json({"dump", "--json", "--no-source", pid_text(fixture)}, cli::exit_complete);
  REQUIRE(with.size() == 1);
  REQUIRE(without.size() == 1);
  std::size_t sources = 0, lines = 0;
  for (const auto& thread : with[0]["threads"])
    for (const auto& frame : thread["frames"]) sources += !frame["source"].is_null();
  for (const auto& thread : without[0]["threads"])
    for (const auto& frame : thread["frames"]) {
      CHECK(frame["source"].is_null());
      lines += !frame["line"].is_null();
    }
  CHECK(sources > 0);
  CHECK(lines > 0);
}

TEST_CASE("--sections: only the sections asked for, in text and JSON") {
  Fixture fixture("fixture_threads_c");
  const auto lines = dump_json({"dump", "--json", "--sections", "threads", pid_text(fixture)}, cli::exit_complete);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].contains("threads"));
  CHECK_FALSE(lines[0].contains("package"));
  CHECK_FALSE(lines[0].contains("processes"));
  CHECK(lines[0].contains("capture"));

  const RunResult text = run_gmr({"dump", "--sections", "package,processes", pid_text(fixture)});
  CHECK(text.exit_code == cli::exit_complete);
  CHECK(text.out.find("Guru Meditation Report") != std::string::npos);
  CHECK(text.out.find("====                            Package") != std::string::npos);
  CHECK(text.out.find("Processes") != std::string::npos);
  CHECK(text.out.find("Threads") == std::string::npos);
}

TEST_CASE("text and JSON come from the same report: same threads and the same innermost fixture frames") {
  Fixture fixture("fixture_threads_c");
  const RunResult text = run_gmr({"dump", pid_text(fixture)});
  const auto lines = dump_json({"dump", "--json", pid_text(fixture)}, cli::exit_complete);
  REQUIRE(text.exit_code == cli::exit_complete);
  REQUIRE(lines.size() == 1);
  for (const auto& thread : lines[0]["threads"]) {
    const std::string header = "Thread " + std::to_string(thread["tid"].get<pid_t>()) + " \"" +
                               thread["name"].get<std::string>() + "\"";
    CHECK_MESSAGE(text.out.find(header) != std::string::npos, header);
    for (const auto& frame : thread["frames"])
      if (frame["function"].is_string() && frame["file"].is_string() &&
          frame["file"].get<std::string>().ends_with("threads_c.c")) {
        const std::string offset =
            frame["function_offset"].is_string() ? "+" + frame["function_offset"].get<std::string>() : "";
        const std::string where = frame["function"].get<std::string>() + offset + " (" + fixture.path() + ") at " +
                                  frame["file"].get<std::string>() + ":" + std::to_string(frame["line"].get<int>());
        CHECK_MESSAGE(text.out.find(where) != std::string::npos, where);
      }
  }
}


TEST_CASE("gmr_demo as JSON: configuration groups with secrets masked, a custom section, package facts") {
  Fixture demo("gmr_demo", {.args = {"60"}, .ready_prefix = "gmr-demo pid ", .wait_quiescent = false});
  const RunResult result = run_gmr({"dump", "--json", std::to_string(demo.pid())});
  INFO("stderr: ", result.err);
  const SchemaCheck check = check_schema(result.out);
  CHECK_MESSAGE(check.valid, check.problems);
  const auto lines = parse_json_lines(result.out);
  REQUIRE(lines.size() == 1);
  const json& doc = lines[0];
  CHECK(doc["secrets_shown"] == false);
  CHECK(doc["package"]["product"] == "gmr demo service");
  CHECK(doc["package"]["version"] == "1.0");
  CHECK(doc["package"]["vendor"].is_null());
  REQUIRE(doc["configuration"].size() >= 1);
  const json& block = doc["configuration"][0];
  CHECK(block["source"]["kind"] == "symbol");
  CHECK(block["source"]["name"] == "gmr_config");
  bool masked = false;
  for (const auto& group : block["groups"])
    for (const auto& option : group["options"])
      if (option["key"] == "admin_password") {
        masked = option["masked"] == true;
        CHECK(option["values"] == json::array({"***"}));
      }
  CHECK_MESSAGE(masked, block.dump(2));
  CHECK(result.out.find("demo-secret") == std::string::npos);
  REQUIRE(doc["custom_sections"].size() == 1);
  CHECK(doc["custom_sections"][0]["title"] == "Queue");
  CHECK(doc["custom_sections"][0]["content"]["text"] == "jobs waiting: 0\n");
}

}  // TEST_SUITE
