#include "cli/usage_errors.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace gmr::cli {
namespace {

constexpr std::array<std::string_view, 2> commands{"dump", "report"};

/// Levenshtein distance, for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string command_list() {
  std::string list;
  for (auto command : commands) list += (list.empty() ? "" : ", ") + std::string{command};
  return list;
}

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "'" : " '") + word + "'";
  return text;
}

}  // namespace

std::optional<std::string> command_word_problem(std::span<const std::string_view> args) {
  if (args.empty()) return "a command is required, such as: gmr dump PID (see gmr --help)";
  const std::string_view first = args.front();
  if (first == "-h" || first == "--help" || first == "--version") return std::nullopt;
  if (std::ranges::find(commands, first) != commands.end()) return std::nullopt;
  const std::string quoted = "'" + std::string{first} + "'";
  if (first.starts_with('-')) return "unknown option " + quoted + " (see gmr --help)";
  for (auto command : commands)
    if (edit_distance(first, command) <= 2 || (first.size() >= 1 && command.starts_with(first)))
      return "unknown command " + quoted + " (did you mean '" + std::string{command} + "'?)";
  return "unknown command " + quoted + ": the commands are " + command_list() + " (see gmr --help)";
}

std::string usage_message(const CLI::ParseError& error, const CLI::App& app, const CLI::App& command) {
  const std::string help = " (see gmr " + command.get_name() + " --help)";
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    std::vector<std::string> extras = command.remaining();
    if (extras.empty()) extras = app.remaining(true);
    std::vector<std::string> options;
    for (const auto& extra : extras)
      if (extra.starts_with('-')) options.push_back(extra);
    if (!options.empty()) return (options.size() == 1 ? "unknown option " : "unknown options ") + join(options) + help;
    return (extras.size() == 1 ? "unexpected argument " : "unexpected arguments ") + join(extras) + help;
  }
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr && command.get_name() == "dump" && command.count("pid") == 0)
    return "gmr " + command.get_name() + " needs at least one PID" + help;
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr && command.get_name() == "report" && command.count("core") == 0)
    return "gmr report needs a CORE file" + help;
  if (dynamic_cast<const CLI::ExcludesError*>(&error) != nullptr) {
    // "--format excludes --json"
    std::string text = error.what();
    const std::size_t at = text.find(" excludes ");
    if (at != std::string::npos) return text.replace(at, 10, " cannot be combined with ") + help;
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
    // "--timeout: 1 required SECONDS missing": the option is the part before the colon.
    const std::string text = error.what();
    const std::size_t colon = text.find(':');
    if (colon != std::string::npos && text.starts_with("--"))
      return text.substr(0, colon) + " needs a value" + help;
  }
  return error.what() + help;
}

}  // namespace gmr::cli
