// The usage errors gmr words itself, instead of CLI11's defaults: a command word that is not a command
// ("unknown command 'dum' (did you mean 'dump'?)"), an option gmr does not know, a missing pid.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gmr::cli {

/// Checked before CLI11 parses: gmr's arguments (argv without argv[0]) must start with a command, --help,
/// -h or --version. The message (without "gmr: ") when they do not.
std::optional<std::string> command_word_problem(std::span<const std::string_view> args);

/// One line (without "gmr: ") for a CLI11 parse error of `app` or its subcommand `command`, read after
/// app.parse() threw `error`.
std::string usage_message(const CLI::ParseError& error, const CLI::App& app, const CLI::App& command);

}  // namespace gmr::cli
