// The fleet report (`twinctl report --site all`): every site's latest recorded
// audit run side by side, the open findings of the fleet over time, and the
// worst offenders (the sites and assets with the most severe open findings).
// FleetData is what the history holds (lib/history/report_reader); the
// formatters (lib/output/fleet_*.cpp) render the FleetReport. Pure.
#pragma once

#include "lib/report/audit_report.hpp"

#include <map>

namespace twinctl::report {

struct FleetOpenFinding {
  std::string site;
  std::string asset;
  model::Severity severity = model::Severity::medium;
};

struct FleetData {
  // Each site's runs, oldest first, sites by id. The latest run of each carries
  // its new/reopened/resolved counts.
  std::vector<std::vector<RunRecord>> sites;
  // The open unsuppressed findings of each site's latest run.
  std::vector<FleetOpenFinding> open;
  // The site's health at each site's latest run, by run id (runs audited with health).
  std::map<int64_t, HealthScoreRecord> health;
};

struct FleetOptions {
  std::string title;          // empty: "Fleet report"
  std::string tool_version;   // shown in the footer
  std::optional<int64_t> now; // --now; default the newest run's time (deterministic output)
  size_t trend_days = 14;     // the fleet trend shows the last N days with a run
  size_t recent_runs = 7;     // per site, the totals of its last N runs
  size_t max_assets = 20;     // worst assets listed
};

struct FleetSite {
  RunRecord latest;
  std::optional<int64_t> change; // open findings now minus at the site's previous run
  std::vector<int64_t> recent;   // open findings of its last runs, oldest first
  int64_t age_days = 0;          // whole days from the latest run to the report's time
  std::optional<HealthScoreRecord> health; // the site's health at its latest run (none before health was recorded)
};

struct FleetAsset {
  std::string site;
  std::string asset;
  SeverityCounts open{};
};

// The fleet on one day: every site's latest run up to the end of that day.
struct FleetTrendPoint {
  std::string date; // YYYY-MM-DD
  SeverityCounts open{};
  int64_t sites = 0; // sites with a run by then
};

struct FleetReport {
  std::string title;
  std::string tool_version;
  std::string generated_at;
  SeverityCounts open{}; // over every site's latest run
  int64_t open_total = 0;
  int64_t new_count = 0;
  int64_t resolved_count = 0;
  int64_t incomplete = 0; // sites whose latest run could not read a live source
  int64_t stale = 0;      // sites whose latest run is more than a day older than the report
  std::vector<FleetSite> sites;   // worst first: most severe open findings, then site id
  std::vector<FleetAsset> assets; // worst first, at most max_assets
  int64_t assets_open = 0;        // assets with an open finding (before the cut)
  std::vector<FleetTrendPoint> trend; // oldest first
};

FleetReport build_fleet_report(const FleetData &data, const FleetOptions &opts);

} // namespace twinctl::report
