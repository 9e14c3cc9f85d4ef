// twinctl health: a score per asset and a failure risk from the trends of its
// sensors, rolled up per cell, line and site. Only wiring: the weighing is in
// lib/health.
#include "cmd/check_run.hpp"
#include "cmd/health_inputs.hpp"

#include "lib/health/health.hpp"
#include "lib/loaders/alert_reader.hpp"
#include "lib/output/health_output.hpp"
#include "lib/util/error.hpp"
#include "lib/util/time.hpp"

#include <iostream>
#include <memory>

namespace twinctl::cmd {

namespace {

struct HealthArgs {
  CheckArgs check;
  std::string alerts;
  std::vector<std::string> readings;
  std::string format = "auto";
  std::string fail_on = "risk";
};

int run_health(HealthArgs& a, const GlobalOptions& g) {
  std::vector<model::Alert> alerts;
  if (!a.alerts.empty()) {
    alerts = loaders::read_alerts(a.alerts);
  }
  // The twin and the findings. Outputs are the health document, not a drift
  // report: the check writes none of its own.
  GlobalOptions quiet = g;
  quiet.outputs.clear();
  CheckArgs& c = a.check;
  c.fail_on = "none";
  // Readings first when --now is not given: the health is judged as of the last reading.
  const bool now_given = !c.now.empty();
  if (!now_given) {
    c.now = util::format_timestamp(resolve_now(""));
  }
  CheckRun run = run_checks(c, quiet, "health");
  if (run.errored) {
    return k_exit_error;
  }
  const model::Twin& twin = run.loaded.twin;
  health::Inputs in;
  in.findings = &run.report.findings;
  in.drift_checked = !c.live.empty();
  in.alerts = a.alerts.empty() ? nullptr : &alerts;

  int64_t now = run.now;
  if (!a.readings.empty()) {
    const ReadingsPass pass = read_health_readings(twin, a.readings, a.format, in, false);
    if (!now_given && pass.last_ms != INT64_MIN) {
      now = pass.last_ms / 1000;
    }
  }
  const health::HealthReport r = health::assess(twin, in, now);
  write_each_output(g, "table", [&](const std::string& format, std::ostream& out) {
    if (format == "json") {
      output::write_health_json(out, r);
    } else if (format == "markdown") {
      output::write_health_markdown(out, r);
    } else {
      output::write_health_table(out, r);
    }
  });
  if (run.report.incomplete && !c.allow_partial) {
    std::cerr << "twinctl: a live source could not be read: drift is incomplete (exit 3; --allow-partial to gate anyway)\n";
    return k_exit_incomplete;
  }
  const bool failed = (a.fail_on == "warning" && (r.warnings > 0 || r.at_risk > 0)) ||
                      (a.fail_on == "risk" && r.at_risk > 0);
  return failed ? k_exit_gate_failed : k_exit_ok;
}

} // namespace

void register_health(CLI::App& root, GlobalOptions& g, int& rc) {
  auto a = std::make_shared<HealthArgs>();
  CLI::App* sub = root.add_subcommand("health", "Asset health scores and failure risk, per asset, line and site");
  sub->description(
      "A score from 0 to 100 per asset, and its roll-up per cell, line and site (criticality-weighted mean), "
      "from six components, each showing what it took off and why: drift (open findings by severity, up to 30 "
      "points; with --live), alerts (active alerts of --alerts and their age, up to 25), availability (status "
      "readings, up to 20), compliance (certificates and calibrations overdue or due, up to 10), maintenance "
      "(maintenance plans overdue or due, up to 10) and degradation (up to 15 x the failure risk). The failure "
      "risk comes from the trend of each sensor with an alarm limit in --readings: a line fitted to the "
      "readings' bucket means over the policy window, the expected time it crosses the limit with an interval, "
      "and the probability that it is past the limit at the end of the horizon; 'no trend' when the slope is "
      "not significant. Thresholds (warn_below 70, risk_above 0.7, horizon P7D, window P14D) come from a "
      "HealthPolicy document in the twin. Without --now, the health is judged at the last reading (or now, "
      "without readings).");
  add_twin_options(*sub, a->check.twin);
  sub->add_option("--live", a->check.live, "Live state for the drift component (repeatable, as drift --live)")
      ->group("Inputs");
  add_live_options(*sub, a->check.live_options);
  sub->add_flag("--allow-partial", a->check.allow_partial,
                "When a live source fails, score on what was read (exit 0/1) instead of exit 3")
      ->group("Inputs");
  sub->add_option("--alerts", a->alerts, "Alert events, JSONL (as replay -o alerts=FILE writes them)")->group("Inputs");
  sub->add_option("--readings", a->readings, "Sensor readings, CSV or JSONL (as replay reads them; repeatable)")
      ->group("Inputs");
  sub->add_option("--format", a->format, "Format of --readings: auto|csv|jsonl")
      ->check(CLI::IsMember({"auto", "csv", "jsonl"}))
      ->group("Inputs");
  sub->add_option("--ignore", a->check.ignore, "More suppressions: a YAML file of IgnoreList documents (repeatable)")
      ->group("Inputs");
  sub->add_option("--now", a->check.now, "Judge at this time (RFC 3339 or YYYY-MM-DD)")->group("Gate");
  sub->add_option("--fail-on", a->fail_on,
                  "Exit 1 when an asset is at risk (risk, the default), under the warning score or at risk "
                  "(warning), or never (none)")
      ->check(CLI::IsMember({"risk", "warning", "none"}))
      ->group("Gate");
  add_output_option(*sub, g, {"table", "json", "markdown"});
  sub->footer(help_footer(
      "  twinctl health --twin examples/factory --live examples/live/snapshot.json --now 2026-05-04T10:00:00Z\n"
      "  twinctl replay readings.csv -o alerts=alerts.jsonl; twinctl health --readings readings.csv --alerts alerts.jsonl\n"
      "  twinctl health --readings historian-export.csv -o json=health.json -o markdown >> \"$GITHUB_STEP_SUMMARY\"\n"
      "  twinctl health --fail-on warning --now 2026-12-06   # gate: nothing under the warning score\n",
      "  0  no asset at risk (with --fail-on warning: none under the warning score either)\n"
      "  1  an asset is at risk (or, with --fail-on warning, under the warning score)\n"
      "  2  bad input: the twin, --alerts or an option\n"
      "  3  a live source could not be read (unless --allow-partial)\n"));
  sub->callback([a, &g, &rc] { rc = run_health(*a, g); });
}

} // namespace twinctl::cmd
