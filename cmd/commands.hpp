// The command table. main.cpp builds the CLI11 app and calls every
// register_<cmd>(); each command lives in its own cmd/<cmd>.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace twinctl::cmd {

enum ExitCode : int {
  k_exit_ok = 0,
  k_exit_gate_failed = 1,
  k_exit_error = 2,
  k_exit_incomplete = 3,
};

// Options every command understands, registered once on the root app.
struct GlobalOptions {
  std::vector<std::string> outputs; // -o FORMAT[=PATH], repeatable
  std::string color = "auto";       // auto|always|never
  bool quiet = false;
  std::string sarif_category; // --sarif-category (drift, audit)
};

// Where the intended state comes from (--repo, --ref, --twin).
struct TwinArgs {
  std::string repo; // path or URL; empty = the working tree
  std::string ref;  // revision; empty = the working tree (or HEAD of a cloned URL)
  std::string twin; // twin root; empty = found by twin.yaml
  bool strict = false; // skipped entries of the twin are errors
};

// --repo, --ref, --twin; with `strict_flag`, also --strict (skipped entries of
// the twin, such as a symlinked directory or a FIFO, are errors, not warnings).
void add_twin_options(CLI::App& sub, TwinArgs& args, bool strict_flag = false);

// The text appended to every command's --help: its examples and the exit codes.
std::string help_footer(const std::string& examples);
// For a command that is not a gate: its own EXIT STATUS lines ("  0  ...\n  2  ...\n").
std::string help_footer(const std::string& examples, const std::string& exit_status);

void register_validate(CLI::App& root, GlobalOptions& g, int& rc);
void register_drift(CLI::App& root, GlobalOptions& g, int& rc);
void register_audit(CLI::App& root, GlobalOptions& g, int& rc);
void register_history(CLI::App& root, GlobalOptions& g, int& rc);
void register_simulate(CLI::App& root, GlobalOptions& g, int& rc);
void register_snapshot(CLI::App& root, GlobalOptions& g, int& rc);
void register_replay(CLI::App& root, GlobalOptions& g, int& rc);
// `simulate sensors`, registered by register_simulate (cmd/simulate_sensors.cpp).
void register_simulate_sensors(CLI::App& simulate, GlobalOptions& g, int& rc);
void register_rca(CLI::App& root, GlobalOptions& g, int& rc);
void register_graph(CLI::App& root, GlobalOptions& g, int& rc);
void register_report(CLI::App& root, GlobalOptions& g, int& rc);
void register_health(CLI::App& root, GlobalOptions& g, int& rc);
void register_firmware(CLI::App& root, GlobalOptions& g, int& rc);
// Registered last: it walks the command table the others built.
void register_completion(CLI::App& root, GlobalOptions& g, int& rc);

} // namespace twinctl::cmd
