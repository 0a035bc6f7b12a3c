// A program that rewrote its title (redis, nginx workers, postgres backends: the title over argv[0], NULs
// over the rest of the argument area), through the real binary: its command line is the title alone, in
// the header, the Processes section and JSON alike — not the title followed by dozens of '' arguments.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "cli/exit_codes.hpp"
#include "support/json_schema.hpp"
#include "support/process.hpp"

namespace {

using namespace gmr;
using namespace gmr::test;
using nlohmann::json;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_SUITE("e2e::title") {

TEST_CASE("a rewritten title is the whole command line: header, Processes and JSON") {
  const std::string title = "worker: idle [pool 3]";
  Fixture fixture("fixture_torture", {.args = {"title", title, "padding-argument-1", "padding-argument-2"}});
  const std::string pid = std::to_string(fixture.pid());
  // What the kernel shows: the title, then NULs where the arguments were.
  const std::string raw = read_file("/proc/" + pid + "/cmdline");
  REQUIRE(raw.starts_with(title + std::string(8, '\0')));
  REQUIRE(raw.find_first_not_of('\0', title.size()) == std::string::npos);

  const RunResult text = run_gmr({"dump", pid});
  INFO("stderr: ", text.err);
  REQUIRE(text.exit_code == cli::exit_complete);
  CHECK(text.out.find("\ncommand line = " + title + "\n") != std::string::npos);
  const auto process = text.out.find("Process " + pid + " ");
  REQUIRE(process != std::string::npos);
  const std::string process_line = text.out.substr(process, text.out.find('\n', process) - process);
  CHECK(process_line.ends_with("] " + title));
  CHECK(text.out.find("''") == std::string::npos);

  const RunResult result = run_gmr({"dump", "--json", pid});
  REQUIRE(result.exit_code == cli::exit_complete);
  const auto lines = parse_json_lines(result.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["target"]["cmdline"] == json::array({title}));
  REQUIRE_FALSE(lines[0]["processes"].empty());
  CHECK(lines[0]["processes"][0]["cmdline"] == json::array({title}));
}

}  // TEST_SUITE
