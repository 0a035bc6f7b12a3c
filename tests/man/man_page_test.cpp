// gmr(1) must format without a single groff warning. Needs groff (Debian package groff-base).
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace {

struct CommandResult {
  int status = -1;
  std::string output;
};

CommandResult run_shell(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) result.output.append(buffer, n);
  result.status = ::pclose(pipe);
  return result;
}

}  // namespace

TEST_SUITE("man") {
  TEST_CASE("gmr.1 formats with groff -man -ww without warnings") {
    REQUIRE_MESSAGE(run_shell("command -v groff >/dev/null 2>&1").status == 0,
                    "groff not found: install the Debian package groff-base");
    const std::string page = std::string{GMR_SOURCE_DIR} + "/man/gmr.1";
    // The pipe carries groff's stderr alone (-z discards the formatted page; stdout goes to /dev/null anyway).
    const auto result = run_shell("groff -man -ww -z '" + page + "' 2>&1 >/dev/null");
    CHECK_MESSAGE(result.output.empty(), result.output);
    CHECK(WIFEXITED(result.status));
    CHECK(WEXITSTATUS(result.status) == 0);
  }
}

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "support/process.hpp"

namespace {

std::string read_source(const std::string& relative) {
  std::ifstream in(std::string{GMR_SOURCE_DIR} + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Every "--option" printed by `gmr ARGS --help`.
std::set<std::string> help_options(const std::vector<std::string>& args) {
  auto argv = args;
  argv.push_back("--help");
  const auto result = gmr::test::run_gmr(argv);
  REQUIRE(result.exit_code == 0);
  std::set<std::string> options;
  const std::regex option{R"(--[a-z][a-z-]*)"};
  for (std::sregex_iterator it{result.out.begin(), result.out.end(), option}, end; it != end; ++it)
    options.insert(it->str());
  return options;
}

/// The man page spells "-" as "\-".
std::string roff(const std::string& option) { return std::regex_replace(option, std::regex{"-"}, "\\-"); }

void collect_keys(const nlohmann::json& node, std::set<std::string>& keys) {
  if (node.is_object()) {
    if (auto p = node.find("properties"); p != node.end() && p->is_object())
      for (const auto& [key, value] : p->items()) keys.insert(key);
    for (const auto& [key, value] : node.items()) collect_keys(value, keys);
  } else if (node.is_array()) {
    for (const auto& value : node) collect_keys(value, keys);
  }
}

}  // namespace

TEST_SUITE("man") {
  TEST_CASE("every option of gmr --help, gmr dump --help and gmr report --help is documented in gmr.1") {
    const std::string page = read_source("man/gmr.1");
    auto options = help_options({"dump"});
    REQUIRE(options.size() >= 10);  // the parse found the options, not nothing
    const auto report_options = help_options({"report"});
    REQUIRE(report_options.contains("--sysroot"));
    options.insert(report_options.begin(), report_options.end());
    for (const auto& option : help_options({})) options.insert(option);
    for (const auto& option : options) {
      const bool documented = page.find(".B " + roff(option)) != std::string::npos ||
                              page.find(".BI " + roff(option)) != std::string::npos ||
                              page.find(".BR " + roff(option)) != std::string::npos;
      CHECK_MESSAGE(documented, option, " has no entry in man/gmr.1");
    }
  }

  TEST_CASE("every key of the JSON schema is documented in gmr.1") {
    const std::string page = read_source("man/gmr.1");
    std::set<std::string> keys;
    collect_keys(nlohmann::json::parse(read_source("report/render/gmr-report.schema.json")), keys);
    REQUIRE(keys.size() > 50);
    for (const auto& key : keys) {
      const std::regex bold{"\\.BR? " + key + "( |$)", std::regex::multiline};
      CHECK_MESSAGE(std::regex_search(page, bold), key, " is not documented (in bold) in man/gmr.1");
    }
  }
}
