// twinctl validate: check the intended state (schema, references, cycles,
// zone policy, expiry) and gate on policy findings.
#include "cmd/check_run.hpp"

#include <memory>

namespace twinctl::cmd {

namespace {

int run_validate(CheckArgs& a, const GlobalOptions& g) {
  // The checks of drift without live state: load, policy findings, gate (and, with --base, the plan).
  CheckRun run = run_checks(a, g, "validate");
  if (run.errored) {
    return k_exit_error;
  }
  return finish_checks(g, run.report, false);
}

} // namespace

void register_validate(CLI::App& root, GlobalOptions& g, int& rc) {
  auto o = std::make_shared<CheckArgs>();
  CLI::App* sub = root.add_subcommand("validate", "Check the intended state: schema, references, zones, expiry");
  sub->description(
      "Check the intended state: every YAML document against the twin format (unknown keys are errors), "
      "ids, references, value types, POWERS/FEEDS_DATA cycles, the zone policy (TWIN301, TWIN302), "
      "certificate, calibration and maintenance due dates (TWIN201-TWIN204) and expired suppressions (TWIN901). "
      "Errors print as path:line:column and exit 2; policy findings gate with --fail-on. With --base REV, "
      "only the findings the change introduces (against the twin at REV) gate, and the ones it resolves are listed.");
  add_twin_options(*sub, o->twin, true);
  sub->add_option("--fail-on", o->fail_on, "Exit 1 on findings at or above: critical|high|medium|low|info|none")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "info", "none"}))
      ->group("Gate");
  sub->add_option("--now", o->now, "Evaluate expiry at this time (RFC 3339 or YYYY-MM-DD), for reproducible runs")
      ->group("Gate");
  add_base_option(*sub, *o);
  add_output_option(*sub, g, {"table", "json", "sarif", "markdown", "github", "junit"});
  sub->add_option("--sarif-category", g.sarif_category,
                  "SARIF runAutomationDetails id, to keep one analysis per site or source apart")
      ->group("Output");
  sub->footer(help_footer("  twinctl validate --twin examples/factory\n"
                          "  twinctl validate --ref origin/main --fail-on critical\n"
                          "  twinctl validate --base origin/main -o markdown=$GITHUB_STEP_SUMMARY -o github\n"
                          "  twinctl validate -o sarif=validate.sarif --sarif-category validate\n"
                          "  twinctl validate --repo file:///srv/git/plant-a.git --now 2026-05-04 -o json=validate.json\n",
                          "  0  success; no finding at or above --fail-on (with --base: none introduced)\n"
                          "  1  the gate failed: findings at or above --fail-on (with --base: introduced by the change)\n"
                          "  2  usage, configuration or input error (bad flag, invalid YAML, unknown reference, "
                          "unreadable file)\n"));
  sub->callback([o, &g, &rc] { rc = run_validate(*o, g); });
}

} // namespace twinctl::cmd
