// What every gating command hands to the formatters: the findings, the
// errors, the gate's decision and the figures a reader wants. Formatters only
// render a Report; everything they show is computed here.
#pragma once

#include "lib/model/finding.hpp"
#include "lib/model/live.hpp"
#include "lib/model/twin.hpp"

#include <array>
#include <map>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace twinctl::report {

using SourceStatus = model::LiveSource;

// A finding of a baseline file; one that this run no longer has is "absent".
struct BaselineEntry {
  std::string fingerprint;
  std::string rule;
  std::string asset;
  std::string field;
  std::string message;
  model::SourceLocation loc;
  // The observed value the finding had when it was baselined (baseline_value);
  // nullopt in a baseline written before twinctl recorded values: it matches by
  // identity alone.
  std::optional<std::string> observed = std::nullopt;
};

using Unobserved = model::Unobserved;

// Audit (command `audit`): incidents, what falls due, whom to call, and the
// finding history. Filled by lib/report/audit.cpp and lib/history.
struct AuditIncident {
  std::string id;                 // INC-1 ... as rca numbers them
  int rank = 0;                   // 1 = most likely root first
  std::vector<std::string> roots; // chosen roots, best first
  double score = 0;               // the best root's log-likelihood ratio
  size_t affected = 0;            // failed or alerting assets it explains
  std::string explanation;        // the steps of reasoning, joined
  std::string team;               // the best root's owning team
};

struct DueItem {
  std::string asset;
  std::string kind;   // certificate | calibration
  std::string item;   // certificate id or sensor id
  std::string due_on; // YYYY-MM-DD
  int64_t days_left = 0; // negative when overdue
};

// A finding the previous run of the site saw and this run does not.
struct ResolvedFinding {
  std::string fingerprint;
  std::string rule;
  std::string severity;
  std::string asset;
  std::string field;
  std::string message;
  std::string opened_at; // when its last episode began
  int64_t open_days = 0; // how long it was open
};

struct HistorySummary {
  std::string db;       // path of the history database
  int64_t run_id = 0;   // this run's id
  int64_t previous_run = 0; // the site's previous run; 0 when this is its first
  size_t new_count = 0;
  size_t open_count = 0;
  size_t reopened_count = 0;
  std::vector<ResolvedFinding> resolved; // sorted by severity, asset, rule, field
  size_t carried = 0; // open findings this incomplete run could not check: kept open, not resolved
};

struct Audit {
  size_t failed = 0;   // assets live state shows failed
  size_t alerting = 0; // assets with an open alert
  std::vector<AuditIncident> incidents;
  std::vector<std::string> isolated; // failed with no upstream cause
  std::vector<DueItem> due;          // by due date, asset, item
  std::vector<model::Team> contacts; // the twin's teams
  std::optional<HistorySummary> history; // nullopt with --no-history
};

// PR mode (--base REF): see lib/report/plan.hpp.
struct Plan {
  std::string base_ref;    // as given
  std::string base_commit; // the commit it resolved to
  std::string base_note;   // why the base contributes no findings (no twin there, errors); "" normally
  std::vector<model::Finding> resolved; // gated at the base, gate no more (sorted)
  size_t unchanged = 0;    // gate on both sides: not this change's doing
};

struct Report {
  std::string command; // validate | drift | audit
  std::string tool_version;
  std::string generated_at; // the run's `now`, RFC 3339

  // The twin.
  std::string site;
  std::string site_name;
  std::string twin_root;
  std::string commit;
  std::string ref;
  size_t asset_count = 0;
  size_t space_count = 0;
  size_t team_count = 0;
  std::string twin_yaml; // repo-relative path of twin.yaml (unmanaged findings point here)

  std::vector<model::Diagnostic> errors;
  std::vector<model::Finding> findings; // sorted

  // Live state (drift); empty for validate.
  std::string taken_at;                 // when the live state was read
  std::vector<SourceStatus> sources;    // sorted by name
  std::optional<double> coverage_percent; // observed / monitored intended assets
  size_t monitored = 0;                 // intended assets that live state is expected to show
  size_t observed = 0;
  std::vector<Unobserved> unobserved;   // sorted by asset
  bool incomplete = false;              // a source failed: exit 3 unless --allow-partial
  std::map<std::string, size_t> by_kind; // changed, missing, unmanaged, stale, policy ... (all findings)

  // Baseline: set when --baseline was given.
  bool has_baseline = false;
  bool baseline_without_values = false; // an old baseline: entries match by identity alone
  std::vector<BaselineEntry> baseline_absent;

  // The gate.
  std::optional<model::Severity> fail_on; // nullopt = none (report only)
  bool gate_failed = false;
  std::array<size_t, 5> by_severity{}; // gating (unsuppressed, not in baseline) findings, by Severity
  size_t suppressed = 0;
  size_t baselined = 0;

  std::optional<Audit> audit; // command audit only
  // PR mode: `findings` are those the change introduces; the plan has the rest.
  std::optional<Plan> plan;
};

// Fills the twin fields of a report.
void describe_twin(Report& r, const model::Twin& twin);

struct GateOptions {
  std::optional<model::Severity> fail_on = model::Severity::high;
  int64_t now = 0;
  const std::vector<BaselineEntry>* baseline = nullptr; // --baseline: gate only on new findings
};

// Applies the ignore list (marks findings suppressed, adds TWIN901 for expired
// suppressions) and the baseline, sorts the findings, counts them and decides the gate.
void apply_gate(Report& r, const model::Twin& twin, const GateOptions& opts);

// Counts r.findings (by kind, by severity, suppressed, baselined) and decides
// the gate with r.fail_on. apply_gate and apply_plan end with it.
void recount(Report& r);

// "critical|high|medium|low|info|none" -> the fail-on level; nullopt for none.
// Throws twinctl::Error for anything else.
std::optional<model::Severity> parse_fail_on(const std::string& s);

} // namespace twinctl::report

namespace twinctl::report {

// What a baseline remembers of a finding besides its identity: the normalised
// live value of a changed field ("" for the other kinds, whose identity says it
// all). Baselining firmware 17.0.2 does not hide a later downgrade to 9.0.0.
std::string baseline_value(const model::Finding& f);

// Marks each finding new, unchanged or updated (same identity, another observed
// value: it gates again) against the baseline, and records the baseline's
// findings that are gone (absent). apply_gate calls it.
void apply_baseline(Report& r, const std::vector<BaselineEntry>& baseline);

} // namespace twinctl::report
