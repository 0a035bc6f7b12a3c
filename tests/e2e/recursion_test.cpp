// Deep recursion in the text report: a run of calls of one function from one call site is folded into
// "... N more calls of F (#a-#b)" between its first two frames and its last one; the JSON keeps every
// frame up to --max-frames.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace {

using namespace gmr::test;
using nlohmann::json;

// The lines of `text` from the sub-header of the thread named `name` to the next blank line after its frames.
std::vector<std::string> thread_lines(const std::string& text, const std::string& name) {
  std::vector<std::string> lines;
  const auto header = text.find("\"" + name + "\" ");
  if (header == std::string::npos) return lines;
  std::istringstream in(text.substr(header));
  bool frames = false;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() && frames) break;
    if (line.starts_with("#0 ")) frames = true;
    if (frames) lines.push_back(line);
  }
  return lines;
}

}  // namespace

TEST_SUITE("e2e::recursion") {

TEST_CASE("20,000-deep recursion: text folds the repeated calls, JSON keeps --max-frames frames") {
  Fixture fixture("fixture_hard", {.args = {"recurse", "20000"}});
  const auto pid = std::to_string(fixture.pid());
  const RunResult as_json = run_gmr({"dump", "--json", pid});
  const RunResult text = run_gmr({"dump", pid});
  INFO(text.out, text.err, as_json.err);
  REQUIRE(text.exit_code == 0);
  REQUIRE(as_json.exit_code == 0);

  const json doc = json::parse(as_json.out);
  const json* worker = nullptr;
  for (const auto& thread : doc["threads"])
    if (thread["name"] == "hard-worker") worker = &thread;
  REQUIRE(worker != nullptr);
  const json& frames = (*worker)["frames"];
  REQUIRE(frames.size() == 256);
  CHECK((*worker)["frames_truncated"] == true);
  // The run: the outermost frames (up to --max-frames) all return into the same hard_recurse call.
  std::size_t first = frames.size() - 1;
  while (first > 0 && frames[first - 1]["pc"] == frames[255]["pc"]) --first;
  CHECK(frames[first]["function"] == "hard_recurse");
  REQUIRE(255 - first > 100);

  const auto lines = thread_lines(text.out, "hard-worker");
  REQUIRE(!lines.empty());
  std::size_t recurse_frames = 0;
  for (const auto& line : lines) recurse_frames += line.starts_with("#") && line.find(" hard_recurse+") != std::string::npos;
  CHECK(recurse_frames == 4);  // the run's first two and last one, and the bottom call (another line)
  const std::string fold = "... " + std::to_string(255 - first - 2) + " more calls of hard_recurse (#" +
                           std::to_string(first + 2) + "-#254)";
  CHECK(std::ranges::count(lines, fold) == 1);
  CHECK(std::ranges::count_if(lines, [](const std::string& l) { return l.starts_with("#255 "); }) == 1);
  CHECK(lines.back() == "... frames truncated");
  CHECK(lines.size() < 40);
}

}  // TEST_SUITE
