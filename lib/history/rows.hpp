// What `twinctl history` reads from the database: plain rows, no I/O, so the
// formatters (lib/output/history_*.cpp) can render them.
#pragma once

#include "lib/report/audit_report.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace twinctl::history {

struct RunRow {
  int64_t id = 0;
  std::string started_at;
  std::string site;
  std::string site_name;
  std::string commit; // "" when not from Git
  std::string ref;
  std::string live;
  int64_t exit_code = 0;
  bool incomplete = false;
  std::optional<double> coverage;
  int64_t assets = 0;
  int64_t by_severity[5] = {}; // critical, high, medium, low, info
  int64_t suppressed = 0;
  int64_t new_count = 0;
  int64_t resolved_count = 0;
};

struct FindingRow {
  std::string fingerprint, rule, kind, severity, asset, field, message, zone, line, team, file;
  std::optional<int64_t> file_line;
  std::string site;
  int64_t first_seen_run = 0;
  std::string first_seen_at;
  int64_t last_seen_run = 0;
  std::string last_seen_at;
  std::optional<int64_t> resolved_run;
  std::string resolved_at;
  int64_t reopened = 0;
  std::string opened_at;
  std::string state; // in a run (history show): new|open|reopened|resolved; else open|resolved
  bool suppressed = false;
};

struct SourceRow {
  std::string name;
  bool ok = false;
  std::string error;
  int64_t items = 0;
};

// The same rows the report reads (lib/report/audit_report.hpp): one type per table.
using IncidentRow = report::IncidentRecord;
using DueRow = report::DueRecord;

struct RunDetail {
  RunRow run;
  std::vector<SourceRow> sources;
  std::vector<FindingRow> findings; // what the run said: seen ones and those it resolved
  std::vector<IncidentRow> incidents;
  std::vector<DueRow> due;
};

struct PruneResult {
  int64_t runs_deleted = 0;
  int64_t findings_deleted = 0; // resolved findings whose resolving run was deleted
};
// history migrate: rows copied per table, in copy order.
struct MigrateResult {
  std::string from, to; // locations as shown (no credentials)
  std::vector<std::pair<std::string, int64_t>> tables;
};
struct ResolveStats {
  std::string key; // severity or team ("" = no team)
  int64_t resolved = 0;
  double mean_days = 0; // mean time from opened_at to resolved_at, in days
  int64_t open = 0;
};
struct Stats {
  int64_t runs = 0;
  int64_t findings = 0;
  int64_t open = 0;
  std::vector<ResolveStats> by_severity; // critical first
  std::vector<ResolveStats> by_team;     // by team id
};
// What one `twinctl history` subcommand shows; the formatters render it.
struct HistoryView {
  std::string command; // list | show | findings | prune | stats | migrate
  std::string db;
  std::vector<RunRow> runs;
  std::optional<RunDetail> run;
  std::vector<FindingRow> findings;
  std::optional<PruneResult> pruned;
  std::optional<MigrateResult> migrated;
  std::optional<Stats> stats;
};

} // namespace twinctl::history
