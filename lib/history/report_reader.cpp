#include "lib/history/report_reader.hpp"

#include "lib/util/error.hpp"

#include <map>

namespace twinctl::history {

namespace {

constexpr const char *k_run_columns =
    "id, started_at, site, site_name, twin_commit, ref, live, exit_code, incomplete, coverage, assets, "
    "critical, high, medium, low, info, suppressed";

report::RunRecord run_of(const io::Statement &s) {
  report::RunRecord r;
  r.id = s.integer(0);
  r.started_at = s.text(1);
  r.site = s.text(2);
  r.site_name = s.text(3);
  r.twin_commit = s.optional_text(4);
  r.ref = s.optional_text(5);
  r.live = s.text(6);
  r.exit_code = s.integer(7);
  r.incomplete = s.integer(8) != 0;
  if (!s.is_null(9)) {
    r.coverage = s.real(9);
  }
  r.assets = s.integer(10);
  r.open[size_t(model::Severity::critical)] = s.integer(11);
  r.open[size_t(model::Severity::high)] = s.integer(12);
  r.open[size_t(model::Severity::medium)] = s.integer(13);
  r.open[size_t(model::Severity::low)] = s.integer(14);
  r.open[size_t(model::Severity::info)] = s.integer(15);
  r.suppressed = s.integer(16);
  return r;
}

// The run the selector names; throws with the range of runs that exist.
report::RunRecord select_run(io::Database &db, const RunSelector &sel) {
  io::Statement count = db.prepare(sel.site.empty() ? "SELECT count(*), min(id), max(id) FROM runs"
                                                    : "SELECT count(*), min(id), max(id) FROM runs WHERE site = ?");
  if (!sel.site.empty()) {
    count.bind(1, sel.site);
  }
  count.step();
  if (count.integer(0) == 0) {
    throw Error(db.path() + ": the history has no runs" + (sel.site.empty() ? "" : " of site '" + sel.site + "'") +
                " yet (record one with `twinctl audit --history " + db.path() + "`)");
  }
  std::string range = "runs " + std::to_string(count.integer(1)) + " to " + std::to_string(count.integer(2));
  std::string sql = std::string("SELECT ") + k_run_columns + " FROM runs WHERE ";
  sql += sel.run ? "id = ?" : sel.site.empty() ? "1 = 1 ORDER BY id DESC LIMIT 1" : "site = ? ORDER BY id DESC LIMIT 1";
  io::Statement q = db.prepare(sql);
  if (sel.run) {
    q.bind(1, *sel.run);
  } else if (!sel.site.empty()) {
    q.bind(1, sel.site);
  }
  if (!q.step()) {
    throw Error(db.path() + ": no run " + std::to_string(*sel.run) + " in the history (it holds " + range + ")");
  }
  report::RunRecord run = run_of(q);
  if (sel.run && !sel.site.empty() && run.site != sel.site) {
    throw Error(db.path() + ": run " + std::to_string(*sel.run) + " is of site '" + run.site + "', not '" + sel.site +
                "'");
  }
  return run;
}

model::Severity severity_of(const std::string &text, const std::string &fingerprint, io::Database &db) {
  std::optional<model::Severity> s = model::parse_severity(text);
  if (!s) {
    throw Error(db.path() + ": finding " + fingerprint + " has an unknown severity '" + text + "'");
  }
  return *s;
}

void read_findings(io::Database &db, report::HistoryData &d) {
  // When each finding last opened: its latest new/reopened sighting up to this run.
  std::map<std::string, std::string> open_since;
  io::Statement since = db.prepare("SELECT rf.fingerprint, r.started_at FROM run_findings rf "
                                   "JOIN runs r ON r.id = rf.run_id WHERE rf.run_id <= ? AND r.site = ? "
                                   "AND rf.state IN ('new', 'reopened') ORDER BY rf.run_id");
  since.bind(1, d.run.id).bind(2, d.run.site);
  while (since.step()) {
    open_since[since.text(0)] = since.text(1); // the latest sighting wins
  }
  io::Statement q = db.prepare(
      "SELECT rf.fingerprint, rf.state, rf.severity, rf.suppressed, f.rule, f.kind, f.asset, f.field, f.message, "
      "f.zone, f.line, f.team, f.file, f.file_line, f.first_seen_at, f.reopened "
      "FROM run_findings rf LEFT JOIN findings f ON f.fingerprint = rf.fingerprint "
      "WHERE rf.run_id = ? ORDER BY rf.fingerprint");
  q.bind(1, d.run.id);
  while (q.step()) {
    report::FindingRecord f;
    f.fingerprint = q.text(0);
    f.state = q.text(1);
    if (f.state != "new" && f.state != "open" && f.state != "reopened" && f.state != "resolved") {
      throw Error(db.path() + ": run " + std::to_string(d.run.id) + ", finding " + f.fingerprint + ": unknown state '" +
                  f.state + "'");
    }
    f.severity = severity_of(q.text(2), f.fingerprint, db);
    f.suppressed = q.integer(3) != 0;
    f.rule = q.text(4);
    f.kind = q.text(5);
    f.asset = q.text(6);
    f.field = q.text(7);
    f.message = q.text(8);
    f.zone = q.text(9);
    f.line = q.text(10);
    f.team = q.text(11);
    f.file = q.text(12);
    f.file_line = q.optional_integer(13);
    f.first_seen_at = q.text(14);
    f.reopened = q.integer(15);
    auto it = open_since.find(f.fingerprint);
    if (it != open_since.end()) {
      f.open_since = it->second;
    }
    d.findings.push_back(std::move(f));
  }
}

// A run's count of findings in one state (run_findings grouped by run and state).
void count_state(report::RunRecord &run, const std::string &state, int64_t n) {
  if (state == "new") {
    run.new_count = n;
  } else if (state == "reopened") {
    run.reopened_count = n;
  } else if (state == "resolved") {
    run.resolved_count = n;
  }
}

void read_history_runs(io::Database &db, report::HistoryData &d) {
  std::map<int64_t, report::RunRecord *> by_id;
  io::Statement q =
      db.prepare(std::string("SELECT ") + k_run_columns + " FROM runs WHERE site = ? AND id <= ? ORDER BY id");
  q.bind(1, d.run.site).bind(2, d.run.id);
  while (q.step()) {
    d.history.push_back(run_of(q));
  }
  for (report::RunRecord &r : d.history) {
    by_id[r.id] = &r;
  }
  io::Statement states = db.prepare("SELECT rf.run_id, rf.state, count(*) FROM run_findings rf JOIN runs r ON "
                                    "r.id = rf.run_id WHERE r.site = ? AND rf.run_id <= ? AND rf.suppressed = 0 "
                                    "GROUP BY rf.run_id, rf.state");
  states.bind(1, d.run.site).bind(2, d.run.id);
  while (states.step()) {
    auto it = by_id.find(states.integer(0));
    if (it == by_id.end()) {
      continue;
    }
    count_state(*it->second, states.text(1), states.integer(2));
  }
  d.run = d.history.back();
}

// The lowest-scoring assets a report can show (the formatters show fewer).
constexpr int64_t k_health_assets = 50;

report::HealthScoreRecord score_of(const io::Statement &q) {
  report::HealthScoreRecord h;
  h.run = q.integer(0);
  h.level = q.text(1);
  h.id = q.text(2);
  h.name = q.text(3);
  h.score = q.real(4);
  h.assets = q.integer(5);
  h.warnings = q.integer(6);
  h.at_risk = q.integer(7);
  h.worst_asset = q.text(8);
  h.worst_score = q.real(9);
  return h;
}

// The run's health (schema version 2): its inputs, its lowest assets with their
// components, and the site and line scores of the site's runs up to it.
void read_health(io::Database &db, report::HistoryData &d) {
  if (db.schema_version() < 2) {
    return;
  }
  io::Statement run = db.prepare("SELECT warn_below, risk_above, drift_checked, alerts, readings, window_from, "
                                 "window_to FROM health_runs WHERE run_id = ?");
  run.bind(1, d.run.id);
  if (!run.step()) {
    return;
  }
  d.health = report::HealthRunRecord{run.real(0), run.real(1), run.integer(2) != 0, run.integer(3) != 0,
                                     run.integer(4), run.text(5), run.text(6)};
  run.reset();
  io::Statement assets = db.prepare("SELECT asset, name, criticality, line, cell, team, score, risk, warning, at_risk, "
                                    "trend FROM health_assets WHERE run_id = ? AND score < 100 ORDER BY score, asset "
                                    "LIMIT ?");
  assets.bind(1, d.run.id).bind(2, k_health_assets);
  std::map<std::string, size_t> index;
  while (assets.step()) {
    report::HealthAssetRecord a;
    a.asset = assets.text(0);
    a.name = assets.text(1);
    a.criticality = assets.text(2);
    a.line = assets.text(3);
    a.cell = assets.text(4);
    a.team = assets.text(5);
    a.score = assets.real(6);
    if (!assets.is_null(7)) {
      a.risk = assets.real(7);
    }
    a.warning = assets.integer(8) != 0;
    a.at_risk = assets.integer(9) != 0;
    a.trend = assets.text(10);
    index[a.asset] = d.health_assets.size();
    d.health_assets.push_back(std::move(a));
  }
  io::Statement parts = db.prepare("SELECT asset, component, weight, penalty, has_data, why FROM health_components "
                                   "WHERE run_id = ? ORDER BY asset, weight DESC, component");
  parts.bind(1, d.run.id);
  while (parts.step()) {
    auto it = index.find(parts.text(0));
    if (it != index.end()) {
      d.health_assets[it->second].components.push_back(
          {parts.text(1), parts.real(2), parts.real(3), parts.integer(4) != 0, parts.text(5)});
    }
  }
  io::Statement scores = db.prepare("SELECT s.run_id, s.level, s.id, s.name, s.score, s.assets, s.warnings, s.at_risk, "
                                    "s.worst_asset, s.worst_score FROM health_scores s JOIN runs r ON r.id = s.run_id "
                                    "WHERE r.site = ? AND s.run_id <= ? AND s.level IN ('site', 'line') "
                                    "ORDER BY s.run_id, s.level DESC, s.id");
  scores.bind(1, d.run.site).bind(2, d.run.id);
  while (scores.step()) {
    d.health_scores.push_back(score_of(scores));
  }
  if (db.schema_version() < 3) {
    return;
  }
  // A version-3 database of the first twinctl that wrote OEE lacks the loss columns added since (the
  // next audit adds them): read as 0.
  auto column = [&db](const char *name) { return db.has_column("oee", name) ? std::string(name) : std::string("0"); };
  io::Statement oee = db.prepare("SELECT line, asset, planned_s, run_s, down_s, setup_s, idle_s, " +
                                 column("small_stop_s") + ", no_data_s, planned_stop_s, total, good, reject, ideal_s, "
                                 "speed_loss_s, quality_loss_s, " + column("startup_reject") + ", " +
                                 column("startup_loss_s") +
                                 ", availability, performance, quality, oee FROM oee WHERE run_id = ? ORDER BY line, "
                                 "asset");
  oee.bind(1, d.run.id);
  auto opt = [&oee](int c) { return oee.is_null(c) ? std::nullopt : std::optional<double>(oee.real(c)); };
  while (oee.step()) {
    d.oee.push_back({oee.text(0), oee.text(1), oee.real(2), oee.real(3), oee.real(4), oee.real(5), oee.real(6),
                     oee.real(7), oee.real(8), oee.real(9), oee.integer(10), oee.integer(11), oee.integer(12),
                     oee.real(13), opt(14), opt(15), oee.integer(16), opt(17), opt(18), opt(19), opt(20), opt(21)});
  }
}

} // namespace

report::HistoryData read_history(io::Database &db, const RunSelector &selector) {
  report::HistoryData d;
  d.run = select_run(db, selector);
  read_history_runs(db, d);
  read_findings(db, d);

  io::Statement sources = db.prepare("SELECT name, ok, error, items FROM run_sources WHERE run_id = ? ORDER BY name");
  sources.bind(1, d.run.id);
  while (sources.step()) {
    d.sources.push_back({sources.text(0), sources.integer(1) != 0, sources.text(2), sources.optional_integer(3)});
  }
  io::Statement incidents =
      db.prepare("SELECT rank, root, score, affected, explanation, team FROM incidents WHERE run_id = ? ORDER BY rank");
  incidents.bind(1, d.run.id);
  while (incidents.step()) {
    d.incidents.push_back({incidents.integer(0), incidents.text(1), incidents.real(2), incidents.integer(3),
                           incidents.text(4), incidents.text(5)});
  }
  io::Statement due = db.prepare("SELECT asset, kind, item, due_on, days_left FROM due WHERE run_id = ? "
                                 "ORDER BY days_left, asset, kind, item");
  due.bind(1, d.run.id);
  while (due.step()) {
    d.due.push_back({due.text(0), due.text(1), due.text(2), due.text(3), due.integer(4)});
  }
  io::Statement contacts =
      db.prepare("SELECT team, name, lead, email, chat, oncall FROM contacts WHERE run_id = ? ORDER BY team");
  contacts.bind(1, d.run.id);
  while (contacts.step()) {
    d.contacts.push_back(
        {contacts.text(0), contacts.text(1), contacts.text(2), contacts.text(3), contacts.text(4), contacts.text(5)});
  }
  read_health(db, d);
  return d;
}

report::FleetData read_fleet(io::Database &db) {
  report::FleetData d;
  std::map<int64_t, report::RunRecord *> latest;
  io::Statement q = db.prepare(std::string("SELECT ") + k_run_columns + " FROM runs ORDER BY site, id");
  while (q.step()) {
    report::RunRecord run = run_of(q);
    if (d.sites.empty() || d.sites.back().back().site != run.site) {
      d.sites.emplace_back();
    }
    d.sites.back().push_back(std::move(run));
  }
  if (d.sites.empty()) {
    throw Error(db.path() + ": the history has no runs yet (record one with `twinctl audit --history " + db.path() +
                "`)");
  }
  for (std::vector<report::RunRecord> &runs : d.sites) {
    latest[runs.back().id] = &runs.back();
  }
  const char *latest_runs = "(SELECT max(id) FROM runs GROUP BY site)";
  io::Statement states = db.prepare(std::string("SELECT run_id, state, count(*) FROM run_findings WHERE suppressed = 0 "
                                                "AND run_id IN ") + latest_runs + " GROUP BY run_id, state");
  while (states.step()) {
    auto it = latest.find(states.integer(0)); // a run committed since the first read is not in the report
    if (it != latest.end()) {
      count_state(*it->second, states.text(1), states.integer(2));
    }
  }
  io::Statement open = db.prepare(std::string("SELECT r.site, f.asset, rf.severity, rf.fingerprint FROM run_findings rf "
                                              "JOIN runs r ON r.id = rf.run_id JOIN findings f ON f.fingerprint = "
                                              "rf.fingerprint WHERE rf.state <> 'resolved' AND rf.suppressed = 0 AND "
                                              "rf.run_id IN ") + latest_runs);
  while (open.step()) {
    d.open.push_back({open.text(0), open.text(1), severity_of(open.text(2), open.text(3), db)});
  }
  if (db.schema_version() >= 2) {
    io::Statement health = db.prepare(std::string("SELECT run_id, level, id, name, score, assets, warnings, at_risk, "
                                                  "worst_asset, worst_score FROM health_scores WHERE level = 'site' "
                                                  "AND run_id IN ") + latest_runs);
    while (health.step()) {
      report::HealthScoreRecord h = score_of(health);
      d.health[h.run] = h;
    }
  }
  return d;
}

} // namespace twinctl::history
