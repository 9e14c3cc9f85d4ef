// The pipeline `drift` and `audit` share: load the twin and the live state,
// compute drift and the policy findings, apply the gate; then write the
// outputs and decide the exit code. Only wiring: the logic is in lib/.
#pragma once

#include "cmd/common.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace twinctl::cmd {

struct CheckArgs {
  TwinArgs twin;
  std::vector<std::string> live;
  live::LiveOptions live_options;
  std::string fail_on = "high";
  std::string now;
  std::string baseline;
  std::vector<std::string> ignore;
  bool allow_partial = false;
  std::string base; // PR mode: the revision whose intended state the change is compared with
};

struct CheckRun {
  bool errored = false; // the twin or an --ignore file has errors: already printed and written, exit 2
  int64_t now = 0;
  loaders::LoadResult loaded; // the twin
  model::LiveSnapshot live;   // empty without --live
  report::Report report;
};

// Registers --live (required for drift), --allow-partial, the network options, --fail-on, --baseline,
// --ignore and --now.
void add_check_options(CLI::App& sub, CheckArgs& a, bool live_required);

// Registers --base REV (PR mode).
void add_base_option(CLI::App& sub, CheckArgs& a);

// Load and compute. Without --live, only the intended state is checked (no drift, no coverage).
// With --base, the report holds what the change introduces and resolves (lib/report/plan.hpp).
CheckRun run_checks(CheckArgs& a, const GlobalOptions& g, const std::string& command);

// The exit code the checks decide: 3 when incomplete (unless allow_partial), 1 when the gate failed, else 0.
int checks_exit_code(const report::Report& r, bool allow_partial);

// Writes the outputs, warns about failed sources and returns the exit code (0, 1 or 3).
int finish_checks(const GlobalOptions& g, const report::Report& r, bool allow_partial);

} // namespace twinctl::cmd
