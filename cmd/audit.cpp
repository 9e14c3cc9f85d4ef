// twinctl audit: the scheduled job. Drift (with --live), the policy findings
// and expiry of the intended state, incidents from RCA over what failed, all
// gated like drift and recorded in the history database.
#include "cmd/check_run.hpp"
#include "cmd/health_inputs.hpp"

#include "lib/graph/graph.hpp"
#include "lib/history/store.hpp"
#include "lib/loaders/alert_reader.hpp"
#include "lib/rca/evidence.hpp"
#include "lib/rca/rca.hpp"
#include "lib/rca/report.hpp"
#include "lib/report/audit.hpp"
#include "lib/util/error.hpp"
#include "lib/util/strings.hpp"
#include "lib/util/time.hpp"
#include "lib/util/url.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <iostream>
#include <memory>

namespace twinctl::cmd {

namespace {

struct AuditArgs {
  CheckArgs check;
  std::string alerts;
  std::vector<std::string> readings;
  std::string format = "auto";
  std::string history; // "": TWINCTL_HISTORY_URL, else .twinctl/history.db
  bool no_history = false;
};

// RCA over every failed or alerting asset (`rca --all`); nullopt without evidence.
std::optional<rca::RcaReport> analyse(const AuditArgs& a, const CheckRun& run,
                                      const std::vector<model::Alert>& alerts) {
  if (a.check.live.empty() && a.alerts.empty()) {
    return std::nullopt;
  }
  const graph::AssetGraph graph = graph::build_graph(run.loaded.twin);
  rca::Observations obs =
      rca::observe(graph, a.check.live.empty() ? nullptr : &run.live, a.alerts.empty() ? nullptr : &alerts);
  rca::RcaOptions opts;
  rca::Analyzer analyzer(graph);
  rca::RcaResult result = analyzer.analyse(obs.evidence, {}, opts);
  return rca::describe_rca(graph, obs, result, {}, opts);
}

// The --live arguments as the runs table keeps them: URLs without credentials.
std::string live_column(const std::vector<std::string>& live) {
  std::string out;
  for (const std::string& src : live) {
    std::string shown = src;
    if (src.find("://") != std::string::npos) {
      try {
        shown = util::parse_url(src).redacted();
      } catch (const Error&) {
        shown = "(unparsable URL)";
      }
    }
    out += (out.empty() ? "" : " ") + shown;
  }
  return out;
}

// TWINCTL_TEST_HISTORY_PAUSE=FILE (test-only, tests/cli/audit_concurrency.sh,
// history_pg.sh): inside the history transaction, create FILE and wait until
// the test deletes it (60 s at most), so a test can kill the run or its
// database connection in the middle of its write.
std::function<void()> test_pause_hook() {
  const char* file = std::getenv("TWINCTL_TEST_HISTORY_PAUSE");
  if (!file || !*file) {
    return nullptr;
  }
  std::string path = file;
  return [path] {
    std::ofstream(path) << "in transaction\n";
    std::error_code ec;
    for (int i = 0; i < 600 && std::filesystem::exists(path, ec); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  };
}

// The run's health, as `twinctl health` computes it from the same findings,
// alerts and readings, as of the audit's time; and OEE over the readings, as
// `replay -o oee` computes it, when the twin declares production.
health::HealthReport assess_health(const AuditArgs& a, const CheckRun& run, const std::vector<model::Alert>& alerts,
                                   history::HealthRecord& record, std::optional<oee::Result>& oee) {
  health::Inputs in;
  in.findings = &run.report.findings;
  in.drift_checked = !a.check.live.empty();
  in.alerts = a.alerts.empty() ? nullptr : &alerts;
  record.alerts = !a.alerts.empty();
  if (!a.readings.empty()) {
    ReadingsPass pass = read_health_readings(run.loaded.twin, a.readings, a.format, in, true);
    record.readings = pass.readings;
    oee = std::move(pass.oee);
    record.oee = oee ? &*oee : nullptr;
    if (pass.readings > 0) {
      record.window_from = util::format_timestamp(pass.first_ms / 1000);
      record.window_to = util::format_timestamp(pass.last_ms / 1000);
    }
  }
  return health::assess(run.loaded.twin, in, run.now);
}

int run_audit(AuditArgs& a, const GlobalOptions& g) {
  // Alerts are read first: a bad alerts file is an error before anything is recorded.
  std::vector<model::Alert> alerts;
  if (!a.alerts.empty()) {
    alerts = loaders::read_alerts(a.alerts);
  }
  CheckRun run = run_checks(a.check, g, "audit");
  if (run.errored) {
    return k_exit_error;
  }
  // The history database is opened before the work, so a bad --history fails fast.
  std::unique_ptr<io::Database> db;
  if (a.no_history && !a.readings.empty()) {
    std::cerr << "twinctl: warning: --readings feed the health and OEE the history records; with --no-history "
                 "they are not read\n";
  }
  if (!a.no_history) {
    db = history::open_for_audit(history::default_location(a.history));
  }
  std::optional<rca::RcaReport> rca = analyse(a, run, alerts);
  report::describe_audit(run.report, run.loaded.twin, rca ? &*rca : nullptr, run.now);
  if (db) {
    history::RecordOptions ro;
    std::optional<oee::Result> oee;
    const health::HealthReport health = assess_health(a, run, alerts, ro.health, oee);
    ro.health.report = &health;
    ro.exit_code = checks_exit_code(run.report, a.check.allow_partial);
    ro.live = live_column(a.check.live);
    ro.live_read = !a.check.live.empty();
    ro.before_commit = test_pause_hook();
    history::record_run(*db, run.report, run.loaded.twin, ro);
  }
  if (rca) {
    for (const std::string& id : rca->unknown_alert_assets) {
      std::cerr << "twinctl: warning: " << a.alerts << ": alert about '" << util::visible(id)
                << "', which is not in the twin\n";
    }
  }
  return finish_checks(g, run.report, a.check.allow_partial);
}

} // namespace

void register_audit(CLI::App& root, GlobalOptions& g, int& rc) {
  auto a = std::make_shared<AuditArgs>();
  CLI::App* sub = root.add_subcommand("audit", "The scheduled audit: drift, compliance and incidents, with history");
  sub->description(
      "One command for the nightly job. It checks the intended state (validate's policy findings, certificates "
      "and calibrations expired or due soon), compares it with the live state when --live is given (drift), "
      "finds the incidents behind what failed (rca --all over the assets live state shows failed and the alerts "
      "still open in --alerts), and lists whom to contact. Outputs, gate and exit codes are those of drift. "
      "Each run is recorded in the history database, in one transaction (--history: a file or sqlite://PATH "
      "for SQLite, created if missing, or postgresql://... for a PostgreSQL database many sites share; default "
      "$TWINCTL_HISTORY_URL, else .twinctl/history.db relative to the current directory): findings are tracked by fingerprint, and the output marks each one new, open "
      "(for N days) or reopened, and lists those resolved since the site's previous run. A run that could not "
      "read a live source never resolves a live-state finding it could not check. Each run also records the "
      "health of every asset, line and site, as `twinctl health` computes it from the run's findings, --alerts "
      "and --readings (its components, so `twinctl report` can say why, and its trend over the runs), and, with "
      "--readings of assets that declare production, their OEE per asset and line (as replay -o oee computes it).");
  add_twin_options(*sub, a->check.twin);
  add_check_options(*sub, a->check, false);
  sub->add_option("--alerts", a->alerts, "Alert events, JSONL (as replay writes them), for the incidents")
      ->group("Live state");
  sub->add_option("--readings", a->readings,
                  "Sensor readings, CSV or JSONL (as replay reads them; repeatable): the availability and degradation "
                  "of each asset's health")
      ->group("Live state");
  sub->add_option("--format", a->format, "Format of --readings: auto|csv|jsonl")
      ->check(CLI::IsMember({"auto", "csv", "jsonl"}))
      ->group("Live state");
  sub->add_option("--history", a->history, "The history: a file or sqlite://PATH (created if missing), or postgresql://USER@HOST/DB "
                  "(default: $TWINCTL_HISTORY_URL, else .twinctl/history.db)")
      ->type_name("DB|URL")
      ->group("History");
  sub->add_flag("--no-history", a->no_history, "Do not read or record history")->group("History");
  add_output_option(*sub, g, {"table", "json", "sarif", "markdown", "github", "junit", "baseline"});
  sub->add_option("--sarif-category", g.sarif_category,
                  "SARIF runAutomationDetails id, to keep one analysis per site or source apart")
      ->group("Output");
  sub->footer(help_footer(
      "  twinctl audit --twin examples/factory --live examples/live/snapshot.json --allow-partial\n"
      "  twinctl audit --ref origin/main --live ditto-main --history /var/lib/twinctl/plant-a.db \\\n"
      "      -o table -o markdown=$GITHUB_STEP_SUMMARY -o sarif=audit.sarif --sarif-category plant-a\n"
      "  twinctl audit --live snapshot.json --alerts alerts.jsonl --fail-on critical\n"
      "  twinctl audit --live snapshot.json --readings historian-last-24h.csv   # health with availability and trends\n"
      "  TWINCTL_HISTORY_URL=postgresql://twinctl@db.example/fleet twinctl audit --live mqtt-plant-a\n"
      "  twinctl audit --no-history --now 2026-06-01   # certificates and calibrations due, no live state\n"));
  sub->callback([a, &g, &rc] { rc = run_audit(*a, g); });
}

} // namespace twinctl::cmd
