// twinctl drift: compare the intended state in Git with the live state, and
// gate CI on the findings.
#include "cmd/check_run.hpp"

#include <memory>

namespace twinctl::cmd {

namespace {

int run_drift(CheckArgs& a, const GlobalOptions& g) {
  CheckRun run = run_checks(a, g, "drift");
  if (run.errored) {
    return k_exit_error;
  }
  return finish_checks(g, run.report, a.allow_partial);
}

} // namespace

void register_drift(CLI::App& root, GlobalOptions& g, int& rc) {
  auto o = std::make_shared<CheckArgs>();
  CLI::App* sub = root.add_subcommand("drift", "Compare the intended state with the live state; gate CI on it");
  sub->description(
      "Compare the intended state (Git) with the live state (HTTP APIs, MQTT, or files: twinctl-live/v1, Ditto search "
      "pages, AWS IoT shadows, Azure IoT Hub twin queries, MQTT captures). Findings: changed fields (status, "
      "ip, firmware, config checksum, zone — compared after typed normalisation), missing, unmanaged and "
      "stale assets, plus the policy findings of validate. Each has a rule id, a severity, the YAML line and "
      "the last commit of its file. Suppressions (policy/ignore.yaml, --ignore) and a baseline take findings "
      "out of the gate but not out of sight. A source that cannot be read makes its assets unobserved, "
      "never missing, and the run exits 3. With --base REV (PR mode), the same checks run on the twin at REV "
      "against the same live state: the report holds the findings the change introduces (they alone gate) "
      "and lists the ones it resolves.");
  add_twin_options(*sub, o->twin, true);
  add_check_options(*sub, *o, true);
  add_base_option(*sub, *o);
  add_output_option(*sub, g, {"table", "json", "sarif", "markdown", "github", "junit", "baseline"});
  sub->add_option("--sarif-category", g.sarif_category,
                  "SARIF runAutomationDetails id, to keep one analysis per site or source apart")
      ->group("Output");
  sub->footer(help_footer(
      "  twinctl drift --twin examples/factory --live examples/live/snapshot.json\n"
      "  twinctl drift --live snapshot.json -o table -o sarif=drift.sarif -o markdown=$GITHUB_STEP_SUMMARY\n"
      "  twinctl drift --live snapshot.json -o baseline=.twinctl/baseline.json --fail-on none\n"
      "  twinctl drift --live snapshot.json --baseline .twinctl/baseline.json --fail-on medium\n"
      "  twinctl drift --ref origin/main --live ditto-export.json --live shadows.json --allow-partial\n"
      "  twinctl drift --base origin/main --live snapshot.json -o table -o markdown=$GITHUB_STEP_SUMMARY\n"
      "  TWINCTL_DITTO_MAIN_TOKEN=... twinctl drift --live ditto-main --timeout 20 -o sarif=drift.sarif\n"));
  sub->callback([o, &g, &rc] { rc = run_drift(*o, g); });
}

} // namespace twinctl::cmd
