// The audit report (`twinctl report`): what one recorded audit run says, set
// against the history of its site. HistoryData is what the history database
// holds (read by lib/history/report_reader); build_audit_report turns it into
// everything the HTML and Markdown formatters show. Pure: no I/O, no clock.
#pragma once

#include "lib/model/finding.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace twinctl::report {

// Counts indexed by int(model::Severity): info, low, medium, high, critical.
using SeverityCounts = std::array<int64_t, 5>;

int64_t total(const SeverityCounts &c);

// Most severe first: compares the counts from critical down, then the names.
bool more_severe(const SeverityCounts &a, const std::string &an, const SeverityCounts &b, const std::string &bn);

// A row of the `runs` table.
struct RunRecord {
  int64_t id = 0;
  std::string started_at; // RFC 3339 UTC
  std::string site;
  std::string site_name;
  std::optional<std::string> twin_commit;
  std::optional<std::string> ref;
  std::string live;
  int64_t exit_code = 0;
  bool incomplete = false;
  std::optional<double> coverage; // percent
  int64_t assets = 0;
  SeverityCounts open{}; // open unsuppressed findings of the run
  int64_t suppressed = 0;
  int64_t new_count = 0;      // run_findings of the run in state new
  int64_t reopened_count = 0; // ... reopened
  int64_t resolved_count = 0; // ... resolved
};

struct SourceRecord {
  std::string name;
  bool ok = true;
  std::string error;
  std::optional<int64_t> items;
};

// A finding as the selected run saw it: run_findings joined with findings.
struct FindingRecord {
  std::string fingerprint;
  std::string state; // new | open | reopened | resolved
  model::Severity severity = model::Severity::medium;
  bool suppressed = false;
  std::string rule;
  std::string kind;
  std::string asset;
  std::string field;
  std::string message;
  std::string zone;
  std::string line;
  std::string team;
  std::string file;
  std::optional<int64_t> file_line;
  std::string first_seen_at;
  std::string open_since; // started_at of the last run up to this one that saw it new or reopened
  int64_t reopened = 0;   // times it came back after being resolved
};

struct IncidentRecord {
  int64_t rank = 0;
  std::string root;
  double score = 0;
  int64_t affected = 0;
  std::string explanation;
  std::string team;
};

struct DueRecord {
  std::string asset;
  std::string kind; // certificate | calibration
  std::string item;
  std::string due_on;
  int64_t days_left = 0; // negative when overdue
};

struct ContactRecord {
  std::string team;
  std::string name;
  std::string lead;
  std::string email;
  std::string chat;
  std::string oncall;
};

// The health the audit recorded (schema version 2; none for older runs).
struct HealthRunRecord {
  double warn_below = 70, risk_above = 0.7; // the policy at the run
  bool drift_checked = false;               // live state was read
  bool alerts = false;                      // --alerts was given
  int64_t readings = 0;                     // readings read (0: no --readings)
  std::string window_from, window_to;       // the readings' span
};

struct HealthComponentRecord {
  std::string name; // drift | alerts | availability | compliance | maintenance | degradation
  double weight = 0, penalty = 0;
  bool has_data = false;
  std::string why;
};

struct HealthAssetRecord {
  std::string asset, name, criticality, line, cell, team;
  double score = 100;
  std::optional<double> risk;
  bool warning = false, at_risk = false;
  std::string trend; // the riskiest sensor's trend in words
  std::vector<HealthComponentRecord> components; // those of an asset under 100, in weight order
};

// A roll-up (site, line or cell) of one run.
struct HealthScoreRecord {
  int64_t run = 0;
  std::string level, id, name;
  double score = 100;
  int64_t assets = 0, warnings = 0, at_risk = 0;
  std::string worst_asset;
  double worst_score = 100;
};

// OEE totals of one asset (or, with asset empty, one line) over the audit's readings.
struct OeeRecord {
  std::string line, asset;
  double planned_s = 0, run_s = 0, down_s = 0, setup_s = 0, idle_s = 0, small_stop_s = 0, no_data_s = 0,
         planned_stop_s = 0;
  int64_t total = 0, good = 0, reject = 0;
  double ideal_s = 0;
  std::optional<double> speed_loss_s, quality_loss_s;
  int64_t startup_reject = 0;
  std::optional<double> startup_loss_s, availability, performance, quality, oee;
};

// Everything the history database says about one run.
struct HistoryData {
  RunRecord run;
  std::vector<RunRecord> history; // the site's runs up to and including `run`, oldest first
  std::vector<SourceRecord> sources;
  std::vector<FindingRecord> findings; // every run_findings row of the run
  std::vector<IncidentRecord> incidents;
  std::vector<DueRecord> due;
  std::vector<ContactRecord> contacts;
  std::optional<HealthRunRecord> health;         // nullopt: the run recorded no health
  std::vector<HealthAssetRecord> health_assets;  // the run's lowest-scoring assets under 100, lowest first
  std::vector<HealthScoreRecord> health_scores;  // site and line roll-ups of the site's runs up to the run
  std::vector<OeeRecord> oee;                    // the run's OEE rows (schema version 3), by line and asset
};

struct AuditReportOptions {
  std::string title;          // empty: "Audit report — <site name>"
  std::string tool_version;   // shown in the footer
  std::optional<int64_t> now; // --now; default the run's own time (deterministic output)
  size_t max_trend_runs = 90; // the trend chart shows at most the last N runs
};

// Open findings of one group (a zone, a line, a team).
struct GroupCount {
  std::string name; // "" = not assigned
  SeverityCounts counts{};
};

struct OpenFinding {
  FindingRecord finding;
  int64_t days_open = 0; // from open_since to the run
};

struct TrendPoint {
  int64_t run = 0;
  std::string date; // YYYY-MM-DD
  SeverityCounts open{};
  int64_t total = 0;
  int64_t new_count = 0;
  int64_t resolved_count = 0;
  bool incomplete = false;
  bool first_run = false; // the site's first run: every finding is new
  std::optional<double> coverage;
};

struct Contact {
  ContactRecord contact;
  bool on_record = false; // false: the team has no row in `contacts`
  SeverityCounts open{};  // its open findings
  int64_t incidents = 0;  // incidents whose root it owns
};

// One line's health at the run, and at the site's previous run with health.
struct HealthLine {
  HealthScoreRecord score;
  std::optional<double> previous;
};

struct HealthTrendPoint {
  int64_t run = 0;
  std::string date; // YYYY-MM-DD
  double site = 100;
  int64_t warnings = 0, at_risk = 0;
  std::string worst_line; // the lowest line at that run ("" without lines)
  double worst_line_score = 100;
};

struct HealthSection {
  HealthRunRecord inputs;
  HealthScoreRecord site;
  std::optional<double> site_previous; // the site's score at its previous run with health
  std::vector<HealthLine> lines;       // lowest first
  std::vector<HealthAssetRecord> lowest; // assets under 100, lowest first
  std::vector<HealthTrendPoint> trend;   // the site's runs with health, oldest first (at most max_trend_runs)
  std::vector<std::string> unscored;     // components no asset could be scored on: "drift (no live state)"
};

// One of the six big losses, in seconds of planned production time.
struct OeeLoss {
  std::string name; // one of the six big losses, as build_oee_section names them
  double seconds = 0;
  double share = 0; // of planned time
};

struct OeeLine {
  OeeRecord line;
  std::vector<OeeRecord> assets; // lowest OEE first (unknown last)
  std::vector<OeeLoss> losses;   // the biggest first, those over 0 only
};

struct OeeSection {
  std::string window_from, window_to; // the readings' span
  std::vector<OeeLine> lines;         // lowest OEE first; assets without a line under line ""
  std::vector<std::string> unseparated; // what the data could not tell apart, in words
};

struct AuditReport {
  std::string title;
  std::string tool_version;
  std::string generated_at; // --now, else the run's time
  RunRecord run;
  std::optional<int64_t> previous_run;  // the site's run before this one
  std::optional<int64_t> data_age_days; // with --now: days between the run and now, when more than 1

  // Summary.
  SeverityCounts open{}; // open unsuppressed findings by severity
  int64_t open_total = 0;
  int64_t new_count = 0;
  int64_t reopened_count = 0;
  int64_t resolved_count = 0;
  int64_t suppressed = 0;
  int64_t sources_ok = 0;
  int64_t sources_failed = 0;
  std::vector<SourceRecord> sources; // sorted by name
  int64_t overdue = 0;               // due items past their date

  // Breakdowns of the open findings, most severe group first.
  std::vector<GroupCount> by_zone;
  std::vector<GroupCount> by_line;
  std::vector<GroupCount> by_team;

  // The drift trend: the site's runs, oldest first, at most max_trend_runs.
  std::vector<TrendPoint> trend;
  int64_t trend_runs_total = 0; // before the cut
  int64_t trend_axis_max = 0;   // a round number >= every total in trend
  int64_t trend_axis_step = 1;  // between grid lines
  int64_t churn_axis_max = 1;   // the same for new and resolved per run (the first run left out)
  int64_t churn_axis_step = 1;

  std::vector<OpenFinding> oldest;         // open findings, longest open first
  std::vector<FindingRecord> new_findings; // new or reopened in this run, most severe first
  std::vector<FindingRecord> resolved;     // resolved by this run, most severe first
  std::vector<IncidentRecord> incidents;   // by rank
  std::vector<DueRecord> due;              // soonest (most overdue) first
  std::vector<Contact> contacts;           // teams with open findings or incidents, most severe first
  std::optional<HealthSection> health;     // nullopt: the run recorded no health (an older twinctl)
  std::optional<OeeSection> oee;           // nullopt: no OEE recorded (no --readings, or no production declared)
};

AuditReport build_audit_report(const HistoryData &data, const AuditReportOptions &opts);

// The health section (audit_health.cpp); nullopt when the run recorded no health.
std::optional<HealthSection> build_health_section(const HistoryData &data, size_t max_runs);

// The OEE section (audit_health.cpp): lines lowest first, their losses biggest first.
std::optional<OeeSection> build_oee_section(const HistoryData &data);

// The smallest 1/2/5 x 10^n step giving at most `max_lines` grid lines up to a
// value >= `max`; returns {axis_max, step}. {1, 1} for max <= 0.
std::array<int64_t, 2> nice_axis(int64_t max, int max_lines = 5);

} // namespace twinctl::report
