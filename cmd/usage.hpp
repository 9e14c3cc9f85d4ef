// CLI manners shared by every command: one-line summaries in `twinctl --help`,
// `twinctl help CMD`, and usage errors that start with "twinctl: error:", say
// "did you mean" for a mistyped command or flag and read like a person wrote them.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace twinctl::cmd {

// Installs the formatter (one-line command summaries, at most 80 columns) and
// the failure message on `root`, and registers `twinctl help [CMD...]`.
// Call after every command is registered.
void setup_usage(CLI::App& root, int& rc);

// The message of a usage error: "twinctl: error: …" with a suggestion where one
// helps ("unknown command 'drfit'; did you mean 'drift'?").
std::string usage_error(const CLI::App& root, const CLI::ParseError& e, int argc, const char* const* argv);

} // namespace twinctl::cmd
