// twinctl report: an HTML page or a Markdown job summary of one recorded audit
// run, set against the history of its site. Reads the history database only.
#include "cmd/common.hpp"

#include "lib/history/report_reader.hpp"
#include "lib/output/audit_report_output.hpp"
#include "lib/output/fleet_output.hpp"
#include "lib/util/error.hpp"
#include "lib/report/audit_report.hpp"

#include <memory>

namespace twinctl::cmd {

namespace {

struct ReportArgs {
  std::string history; // "": TWINCTL_HISTORY_URL, else .twinctl/history.db
  int64_t run = 0; // 0 = --latest
  bool latest = false;
  std::string site;
  std::string now;
  std::string title;
};

// report --site all: every site's latest run, worst first.
int run_fleet_report(io::Database &db, const ReportArgs &a, const GlobalOptions &g) {
  report::FleetOptions opts;
  opts.title = a.title;
  opts.tool_version = TWINCTL_VERSION;
  if (!a.now.empty()) {
    opts.now = resolve_now(a.now);
  }
  report::FleetReport r = report::build_fleet_report(history::read_fleet(db), opts);
  write_each_output(g, "markdown", [&r](const std::string &fmt, std::ostream &out) {
    if (fmt == "html") {
      output::write_fleet_html(out, r);
    } else if (fmt == "table") {
      output::write_fleet_table(out, r);
    } else {
      output::write_fleet_markdown(out, r);
    }
  });
  return k_exit_ok;
}

int run_report(const ReportArgs &a, const GlobalOptions &g) {
  const bool fleet = a.site == "all";
  if (fleet && a.run > 0) {
    throw Error("report: --run names one run of one site; --site all reports the latest run of every site");
  }
  for (const std::string &spec : g.outputs) {
    if (spec.substr(0, spec.find('=')) == "table" && !fleet) {
      throw Error("report: -o table is for the fleet report (--site all); one site's report is html or markdown");
    }
  }
  // Load: the run and its site's history.
  std::unique_ptr<io::Database> db = history::open_existing(history::default_location(a.history), false);
  io::Transaction snapshot(*db, io::Transaction::Kind::read); // one view while audits commit
  if (fleet) {
    return run_fleet_report(*db, a, g);
  }
  history::RunSelector selector;
  if (a.run > 0) {
    selector.run = a.run;
  }
  selector.site = a.site;
  report::HistoryData data = history::read_history(*db, selector);

  // Compute.
  report::AuditReportOptions opts;
  opts.title = a.title;
  opts.tool_version = TWINCTL_VERSION;
  if (!a.now.empty()) {
    opts.now = resolve_now(a.now);
  }
  report::AuditReport r = report::build_audit_report(data, opts);

  // Render.
  write_each_output(g, "markdown", [&r](const std::string &fmt, std::ostream &out) {
    if (fmt == "html") {
      output::write_report_html(out, r);
    } else {
      output::write_report_markdown(out, r);
    }
  });
  return k_exit_ok;
}

} // namespace

void register_report(CLI::App &root, GlobalOptions &g, int &rc) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App *sub = root.add_subcommand("report", "Write an HTML or Markdown report of an audit run from the history");
  sub->description(
      "Report one audit run recorded by `twinctl audit --history DB` (the latest by default), set against the "
      "earlier runs of its site: open findings by severity, zone, line and team; new, reopened and resolved "
      "findings since the previous run; the drift trend over the runs (charts in HTML); the health of the site, "
      "its lines and its lowest-scoring assets with why, and its trend (runs audited with health); the oldest open "
      "findings with the days they have been open; incidents with their root causes; certificates and "
      "calibrations overdue or due soon; the contacts of every team with open findings or incidents; the "
      "health of the live sources, with a warning when the run was incomplete. The HTML page is one "
      "self-contained file (inline CSS and SVG, no script, nothing fetched from the network) that opens from "
      "disk and prints; the Markdown fits a GitHub job summary (lists are cut to stay under 1 MiB). The "
      "database is opened read-only. Output depends only on the database and the run (and --now, --title): "
      "the same inputs give the same bytes.");
  sub->add_option("--history", a->history, "The history, as written by `twinctl audit`: a file, sqlite://PATH or "
                  "postgresql://... (default: $TWINCTL_HISTORY_URL, else .twinctl/history.db)")
      ->type_name("DB|URL");
  CLI::Option *run = sub->add_option("--run", a->run, "Report this run id (see `twinctl history list`)")
                         ->check(CLI::PositiveNumber)
                         ->type_name("ID");
  sub->add_flag("--latest", a->latest, "Report the latest run (the default)")->excludes(run);
  sub->add_option("--site", a->site,
                  "With several sites in one history: the latest run of this site; `all`: the fleet report");
  sub->add_option("--now", a->now,
                  "The report's date (RFC 3339); warns when the run is older than a day (default: the run's time)")
      ->type_name("TIME");
  sub->add_option("--title", a->title, "Title of the report (default: \"Audit report — <site name>\")");
  add_output_option(*sub, g, {"html", "markdown", "table"});
  sub->footer(
      help_footer("  twinctl report -o html=report.html\n"
                  "  twinctl report --history /var/lib/twinctl/plant-a.db -o html=report.html -o markdown=summary.md\n"
                  "  twinctl report --run 42 --title 'Plant A — weekly review' -o html=week.html\n"
                  "  twinctl report -o markdown >> \"$GITHUB_STEP_SUMMARY\"\n",
                  "  0  the report was written, whatever it shows (report is not a gate; audit is)\n"
                  "  2  no history database, a history without runs, an unknown run id, or a database\n"
                  "     written by a newer twinctl\n"));
  sub->callback([a, &g, &rc] { rc = run_report(*a, g); });
}

} // namespace twinctl::cmd
